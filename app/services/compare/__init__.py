"""Comparisons as operations: grading a grid, submitting it, prefilling it from the
student's highlights, the class view per claim, editing a comparison."""
