"""Reading one accommodation request for the secretary who resolves it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from kopir.council.models import AccommodationRequest, Council


def accommodation_in_council(council: Council, pk: int) -> AccommodationRequest:
    """A request made for one of the council's meetings, with the meeting, or 404."""
    return get_object_or_404(
        AccommodationRequest.objects.select_related("meeting"), meeting__council=council, pk=pk
    )
