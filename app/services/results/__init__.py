"""Classroom results: submission bundles in and out, gradebook, class view, reports.

Everything here works without Qt; the results screens of the app are built on it.
"""
