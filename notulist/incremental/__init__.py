"""What makes a build fast without making it different: the one store for .cache/ (store.py),
the parse cache (parse_cache.py), the whole-build memo (memo.py) and the text-edit snapshot
(snapshot.py, text_edit.py). Everything here may be deleted; the output is then the same.

May import: model, load, link's types, the common leaves."""
