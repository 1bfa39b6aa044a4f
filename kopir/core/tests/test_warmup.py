"""The web process's warm-up (decision 14): every template compiles, the URL patterns and
catalogues are loaded, and what the warm-up loaded is frozen out of the collector's runs."""

from __future__ import annotations

import gc

from kopir.core.warmup import freeze_after_warm_up, template_names, warm_up


def test_every_template_is_found_by_the_name_a_view_asks_for() -> None:
    names = template_names()
    assert "oversight/mse.html" in names
    assert "core/document.html" in names
    assert all(not name.startswith("/") for name in names)


def test_the_warm_up_compiles_every_template() -> None:
    # A template that does not compile fails here, whatever page uses it.
    assert warm_up() == len(template_names()) > 300


def test_what_the_warm_up_loaded_is_frozen() -> None:
    try:
        freeze_after_warm_up()
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()
