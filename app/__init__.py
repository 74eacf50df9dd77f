"""Close Reader: offline media-literacy lessons."""

__version__ = "0.1.0"
