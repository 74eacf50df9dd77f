"""Open the feedback view (or the reader) of a sample submission, for an AT-SPI dump.

Run by run.sh from the repository root."""
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from app.core.packs import read_pack
from app.core.lessons import Highlight
from app.services.library import import_pack
from app.services.grading import submit
from app.store.repo import open_repo
db = Path("/tmp/close-reader-atspi.db"); db.unlink(missing_ok=True)
r = open_repo(db); import_pack(r, read_pack(REPO / "tests" / "data" / "sample-pack.json"))
st = r.student("Ana P.")
submit(r, st.id, st.name, "sample-budget", [Highlight(0, 45, "unsupported_claim"), Highlight(52, 67, "loaded_language")])
r.database.close()
from app.ui import create_main_window
from app.ui.application import ensure_application
app = ensure_application()
w = create_main_window(db, student="Ana P.")
w.resize(1280, 800); w.show()
mode = sys.argv[1] if len(sys.argv) > 1 else "feedback"
if mode == "feedback":
    w.show_feedback("sample-budget")
else:  # the reader, with a highlight under the caret
    w.open_reader("sample-budget", (Highlight(22, 30, "loaded_language"),))
    w.reader.article.select_range(24, 24)
app.exec()
