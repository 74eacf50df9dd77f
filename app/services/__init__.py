"""The app's operations: the store and the core combined (grading, the lesson library,
lesson edits, class results). ``ui`` and ``commands`` call these; these call ``store``,
``nlp`` and ``core``, never the other way round."""
