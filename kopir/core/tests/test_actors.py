from django.contrib.auth.models import AnonymousUser

from kopir.core.actors import is_signed_in, signed_in_user


class _System:
    """An API system's token: it acts, but is not a user who signed in."""


class _User:
    is_authenticated = True


def test_only_a_signed_in_user_is_recorded_as_the_person_who_acted() -> None:
    user = _User()
    assert is_signed_in(user)
    assert signed_in_user(user) is user
    for actor in (None, AnonymousUser(), _System()):
        assert not is_signed_in(actor)
        assert signed_in_user(actor) is None
