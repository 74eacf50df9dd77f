# PyInstaller runtime hook: Pillow is left out of the bundle on purpose (the app's PDFs
# hold text only), so fpdf2's import-time warning about it is noise.
import warnings

warnings.filterwarnings("ignore", message="Pillow could not be imported", category=UserWarning)
