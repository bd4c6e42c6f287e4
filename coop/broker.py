"""The filesystem Celery broker of the embedded default (no Redis needed for the demo)."""

from __future__ import annotations

from pathlib import Path


def filesystem_broker_options(folder: Path) -> dict[str, object]:
    """kombu transport options that keep every broker file under `folder` (creating its parts)."""
    for sub in ("out", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "out"),
        "data_folder_out": str(folder / "out"),
        "processed_folder": str(folder / "processed"),
        # Without this kombu writes its exchange tables to ./control in the working directory.
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
