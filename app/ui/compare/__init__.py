"""The comparison screens: the student's Compare page (articles side by side, the grid
of claims × articles, the dossier) and its feedback, the instructor's comparison editor
and the class view per claim."""
