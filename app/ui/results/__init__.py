"""The instructor's "Class results" window: gradebook, class view, student progress."""
