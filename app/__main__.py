from app.cli import main

# guarded: the spaCy worker process (multiprocessing "spawn") re-imports this module
if __name__ == "__main__":
    raise SystemExit(main())
