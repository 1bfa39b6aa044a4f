"""Groups of routes that the permission matrix and the browser tests both name with the same
URL arguments."""

from __future__ import annotations

# The pages of a measure catalogue's draft, each named by the catalogue's pk.
CATALOGUE_ROUTES = tuple(
    f"rehabilitation:{name}"
    for name in (
        "catalogue_detail",
        "catalogue_edit",
        "catalogue_activate",
        "catalogue_retire",
        "measure_create",
        "suggestion_list",
        "suggestion_create",
    )
)
