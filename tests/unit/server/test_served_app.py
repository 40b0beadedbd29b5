"""The app `kuaiqu run` serves: `create_app()` plus its heap frozen after start-up."""

from __future__ import annotations

import gc

from server.app import create_served_app, freeze_heap


def test_the_served_app_freezes_its_heap_once_started() -> None:
    app = create_served_app()
    assert app.on_startup[-1] is freeze_heap


def test_freezing_moves_live_objects_out_of_the_collectors_sight() -> None:
    try:
        freeze_heap()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
