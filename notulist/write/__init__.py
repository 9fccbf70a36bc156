"""Stage 5, write: the only code that changes the output folder. The new site is staged in
the spare beside the output, indexed for search, then swapped in whole (output.py), so a
failed build leaves the previous output untouched.

May import: link's shard type, the common leaves. It keeps its records through the store it
is handed (incremental/store.py), without importing it."""
