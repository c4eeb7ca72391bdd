"""Write src/tidings/enrich/data/topic_prototypes.npz: the topic classifier's shipped model.

It holds the embedding of every prototype text in data/topic_prototypes.txt and the linear
model trained on them, keyed by a hash of the texts and the backend's name; the classifier
uses it when both still match, and otherwise encodes and trains at first use. Run it after
editing the prototype texts (tests/enrich/test_topics.py checks the file is current):

    .venv/bin/python tools/gen_topic_prototypes.py
"""

from __future__ import annotations

import sys
import time

from tidings.enrich.embeddings import MiniLMBackend
from tidings.enrich.topics import MODEL_FILE, data_path, fit, load_prototype_texts, save_model


def main() -> int:
    started = time.monotonic()
    backend = MiniLMBackend()
    prototypes = load_prototype_texts()
    path = data_path(MODEL_FILE)
    # Never reuse the old file: encode and train from the texts.
    model = fit(backend, prototypes, reuse=False)
    save_model(model, prototypes, backend.name, path)
    sys.stdout.write(
        f"wrote {path} ({len(prototypes.texts)} prototypes, "
        f"{path.stat().st_size / 1024:.0f} KiB) in {time.monotonic() - started:.0f} s\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
