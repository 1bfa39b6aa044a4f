"""Forms for meetings: the meeting itself, its agenda, officials, materials, speeches, attendance,
votes and decisions. Forms validate input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.core.forms import ServiceErrorsMixin, VersionForm, radio_choice, text_in, text_pair
from kopir.council.bilingual import in_reader_language
from kopir.council.forms_service_data import ServiceDataMixin
from kopir.council.models import (
    AttendanceStatus,
    BallotChoice,
    Composition,
    MeetingFormat,
    Member,
    Petition,
    Vote,
    VoteKind,
    WorkPlan,
    WorkPlanItem,
)
from kopir.council.services.agenda import validate_material_file
from kopir.council.services.meetings import meeting_format_errors, meeting_window_errors
from kopir.directory.forms import organisation_field

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


#: How many characters of a plan item's topic a list shows before it cuts at a word.
PLAN_TOPIC_SHOWN = 90


def _cut_at_word(text: str, limit: int) -> str:
    """`text`, or as many of its whole words as fit in `limit` characters and an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    words = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return words.rstrip(" ,.;:—-") + "…"


def plan_item_label(item: WorkPlanItem) -> str:
    """How a plan item is named in a list (every form that picks one): plans of several years can
    be open at once, the quarter and the topic are said in the reader's language, a long topic is
    cut at a word."""
    return _("%(year)s, quarter %(quarter)s: %(topic)s") % {
        "year": item.plan.year,
        "quarter": item.quarter,
        "topic": _cut_at_word(in_reader_language(item, "topic"), PLAN_TOPIC_SHOWN),
    }


class MeetingForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    service_fields = ("format", "starts_at", "place", "place_ru", "online_link", "plan_item")

    format = radio_choice(
        _("Format"), MeetingFormat.choices, missing=_("Choose the format of the meeting.")
    )
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        error_messages={
            "required": _("Enter the date and time of the meeting."),
            "invalid": _("Enter a real date and time, for example 24.11.2026 15:00."),
        },
    )
    place, place_ru = text_pair(_("Place"), required=False, max_length=255)
    online_link = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("Needed for an online or hybrid meeting."),
        error_messages={"invalid": _("Enter a web address like https://meet.example.kz/room.")},
    )
    plan_item = forms.ModelChoiceField(
        label=_("Work plan item"),
        queryset=WorkPlanItem.objects.none(),
        required=False,
        empty_label=_("Not in the plan"),
        help_text=_("Holding the meeting marks this item of the plan done."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, plan_items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan_item"].queryset = plan_items  # type: ignore[attr-defined]
        self.fields["plan_item"].label_from_instance = plan_item_label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        errors: dict[str, list[str]] = {}
        if "starts_at" in data:
            errors.update(meeting_window_errors(data["starts_at"], timezone.localdate()))
        if "format" in data:
            errors.update(
                meeting_format_errors(
                    data["format"], data.get("place") or "", data.get("online_link") or ""
                )
            )
        for name, messages in errors.items():
            if name not in self.errors:
                self.add_error(name, messages)
        return data


NOT_A_RAPPORTEUR = _(
    "Choose a member of the council's composition or an official invited to the item."
)
OTHER_RAPPORTEUR = "other"


class AgendaItemForm(ServiceErrorsMixin, forms.Form):
    title, title_ru = text_pair(
        _("Title"), max_length=500, missing=_("Enter the title of the agenda item.")
    )
    description, description_ru = text_pair(_("Description"), required=False, rows=4)
    rapporteur_choice = forms.ChoiceField(
        label=_("Rapporteur"),
        required=False,
        help_text=_("Who presents the item: a member of the council or an invited official."),
        error_messages={"invalid_choice": NOT_A_RAPPORTEUR},
    )
    # A name typed for someone else is asked in both languages, as the minutes print it in each;
    # the Kazakh half is required only when the name is used (`clean`).
    rapporteur, rapporteur_ru = text_pair(
        _("Rapporteur's name, if someone else"),
        required=False,
        max_length=200,
        hint=_("Only when the rapporteur is neither a member nor an invited official."),
    )
    petition = forms.ModelChoiceField(
        label=_("Petition"),
        queryset=Petition.objects.none(),
        required=False,
        empty_label=_("No petition"),
        help_text=_(
            "The petition is then on the agenda; it is considered when the meeting is held."
        ),
    )
    plan_item = forms.ModelChoiceField(
        label=_("Work plan item"),
        queryset=WorkPlanItem.objects.none(),
        required=False,
        empty_label=_("Not in the plan"),
    )

    def __init__(
        self,
        *args: Any,
        petitions: Any = None,
        plan_items: Any,
        members: Any = (),
        officials: Any = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._members = {f"member:{member.pk}": member for member in members}
        self._officials = {f"official:{official.pk}": official for official in officials}
        choices: list[tuple[Any, Any]] = [("", _("Not named"))]
        if self._members:
            choices.append(
                (_("Members of the council"), [(k, m.full_name) for k, m in self._members.items()])
            )
        if self._officials:
            choices.append(
                (
                    _("Invited officials"),
                    [(k, f"{o.full_name}, {o.position}") for k, o in self._officials.items()],
                )
            )
        choices.append((OTHER_RAPPORTEUR, _("Someone else (enter the name below)")))
        self.fields["rapporteur_choice"].choices = choices  # type: ignore[attr-defined]
        if petitions is None:
            del self.fields["petition"]
        else:
            self.fields["petition"].queryset = petitions  # type: ignore[attr-defined]
            self.fields["petition"].label_from_instance = (  # type: ignore[attr-defined]
                lambda petition: f"{petition.number} — {petition.subject}"
            )
        self.fields["plan_item"].queryset = plan_items  # type: ignore[attr-defined]
        self.fields["plan_item"].label_from_instance = plan_item_label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """Turn the rapporteur's choice into what the services take: a member, an official, or
        a name for someone else."""
        data = super().clean() or {}
        choice = data.pop("rapporteur_choice", "")
        member = self._members.get(choice)
        official = self._officials.get(choice)
        typed = (data.get("rapporteur") or "").strip()
        chosen = member is not None or official is not None
        # Someone else's name, chosen as such or typed in Russian only, needs its Kazakh half.
        if (
            not typed
            and not chosen
            and (choice == OTHER_RAPPORTEUR or (data.get("rapporteur_ru") or "").strip())
        ):
            self.add_error("rapporteur", _("Enter the rapporteur's name, or choose one above."))
        # A name typed without a choice is someone else's; a chosen person needs no name.
        if chosen:
            data["rapporteur"] = ""
            data["rapporteur_ru"] = ""
        data["rapporteur_member"] = member
        if self._officials or official is not None:
            data["rapporteur_official"] = official
        return data

    @staticmethod
    def choice_of(item: Any) -> str:
        """The choice that shows how `item`'s rapporteur was recorded."""
        if item.rapporteur_member_id:
            return f"member:{item.rapporteur_member_id}"
        if item.rapporteur_official_id:
            return f"official:{item.rapporteur_official_id}"
        return OTHER_RAPPORTEUR if item.rapporteur else ""


class OfficialForm(ServiceErrorsMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, error_messages={"required": _("Enter the name.")}
    )
    position, position_ru = text_pair(
        _("Position"),
        max_length=255,
        missing=_("Enter the position, e.g. deputy head of the department."),
    )
    organisation = organisation_field(
        _("Organisation"),
        required=True,
        empty_label=_("Choose an organisation"),
        error_messages={"required": _("Choose the official's organisation.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Where the invitation goes. Without it, the organisation's address is used."),
        error_messages={"invalid": _("Enter an e-mail address like name@example.kz.")},
    )


class MaterialForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=255, error_messages={"required": _("Enter a title.")}
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX, ODT, JPG or PNG, up to 10 MB."),
        error_messages={"required": _("Choose a file.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt,.jpg,.jpeg,.png"}),
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        try:
            validate_material_file(file)
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from error
        return file


class SpeechForm(ServiceErrorsMixin, forms.Form):
    speaker = forms.CharField(
        label=_("Speaker"), max_length=200, error_messages={"required": _("Enter who spoke.")}
    )
    speaker_position, speaker_position_ru = text_pair(_("Position"), required=False, max_length=255)
    organisation = organisation_field(_("Organisation"), empty_label=_("None"))
    is_official_answer = forms.BooleanField(
        label=_("This is an official's answer"),
        required=False,
        help_text=_("An answer given by an invited official; the minutes list these separately."),
    )
    summary, summary_ru = text_pair(
        _("Summary"), rows=4, missing=_("Enter a short summary of what was said.")
    )


class VoteForm(ServiceErrorsMixin, forms.Form):
    question, question_ru = text_pair(
        _("Question"), max_length=500, missing=_("Enter the question put to the vote.")
    )
    kind = radio_choice(
        _("How the votes are recorded"),
        VoteKind.choices,
        missing=_("Choose how the votes are recorded."),
        initial=VoteKind.ROLL_CALL,
    )
    decides = forms.ChoiceField(
        label=_("The vote decides"),
        required=False,
        help_text=_("When the vote closes, its result applies to the composition or plan."),
    )

    def __init__(self, *args: Any, compositions: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("Nothing else: a question on this item"))]
        choices += [
            (
                f"composition:{composition.pk}",
                _("Proposed composition, version %(number)s") % {"number": composition.number},
            )
            for composition in compositions
        ]
        choices += [(f"plan:{plan.pk}", in_reader_language(plan, "title")) for plan in plans]
        self.fields["decides"].choices = choices  # type: ignore[attr-defined]
        self._compositions = {f"composition:{c.pk}": c for c in compositions}
        self._plans = {f"plan:{p.pk}": p for p in plans}

    def decided(self) -> tuple[Composition | None, WorkPlan | None]:
        key = self.cleaned_data.get("decides") or ""
        return self._compositions.get(key), self._plans.get(key)


def confirm_close_field() -> forms.BooleanField:
    """The box the secretary ticks to close a vote: a closed vote's result cannot change, so the
    button alone does not close it (no JavaScript needed, and reachable by keyboard)."""
    return forms.BooleanField(
        label=_("I have checked the votes above: close the vote. Its result cannot change."),
        required=False,
    )


CONFIRM_CLOSE_REQUIRED = _("Tick the box to confirm that the vote is to be closed.")
UNSAVED_BALLOTS = _(
    "You changed votes on this page without saving them. The vote is not closed: save the "
    "votes first, check them, then close the vote."
)


class BallotsForm(ServiceErrorsMixin, forms.Form):
    """One group of radio buttons per member present: for, against, abstain, or not voting.

    A hidden field carries the ballots as the page showed them, so saving changes only the rows
    the secretary changed (members may cast their own ballots meanwhile: services.votes). The
    button that closes the vote is in this form too, so closing sees the ballots ticked but not
    saved (`close_errors`) instead of losing them.
    """

    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm_close = confirm_close_field()

    def __init__(self, *args: Any, members: list[Member], vote: Vote, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recorded = {ballot.member_id: ballot.choice for ballot in vote.ballots.all()}
        self.fields["seen"].initial = encode_ballots(recorded)
        choices = [*BallotChoice.choices, ("", _("Did not vote"))]
        self.members = members
        for member in members:
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=member.full_name,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=recorded.get(member.pk, ""),
            )

    def choices(self) -> dict[int, str | None]:
        return {
            member.pk: self.cleaned_data.get(f"member_{member.pk}") or None
            for member in self.members
        }

    def seen_ballots(self) -> dict[int, str | None] | None:
        """The ballots the page showed; None when the post did not say (then all are written)."""
        if "seen" not in self.data:
            return None
        return decode_ballots(self.cleaned_data.get("seen") or "")

    def member_fields(self) -> list[forms.BoundField]:
        return [self[f"member_{member.pk}"] for member in self.members]

    def close_refused(self) -> bool:
        """For the close button: add why the vote may not close now; True when it may not."""
        if not self.cleaned_data.get("confirm_close"):
            self.add_error("confirm_close", CONFIRM_CLOSE_REQUIRED)
            return True
        seen = {member: choice for member, choice in (self.seen_ballots() or {}).items() if choice}
        ticked = {member: choice for member, choice in self.choices().items() if choice}
        if ticked != seen:
            self.add_error(None, UNSAVED_BALLOTS)
            return True
        return False


def encode_ballots(ballots: dict[int, str]) -> str:
    """Ballots as `member_id:choice` pairs, e.g. "12:for 15:abstain" (members without one left out)."""
    return " ".join(f"{member_id}:{choice}" for member_id, choice in sorted(ballots.items()))


def decode_ballots(text: str) -> dict[int, str | None]:
    ballots: dict[int, str | None] = {}
    for pair in text.split():
        member_id, _sep, choice = pair.partition(":")
        if member_id.isdigit() and choice in BallotChoice.values:
            ballots[int(member_id)] = choice
    return ballots


class OwnBallotForm(ServiceErrorsMixin, forms.Form):
    """A present member's own ballot: the same three choices as the secretary's form."""

    choice = forms.ChoiceField(
        label=_("Your vote"),
        choices=BallotChoice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose for, against or abstain."),
            "invalid_choice": _("Choose for, against or abstain."),
        },
    )

    def __init__(self, *args: Any, question: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if question:
            # The group is named by the question put to the vote; the heading says "Your vote".
            self.fields["choice"].label = question


def total_field(label: Any, *, missing: Any) -> forms.IntegerField:
    """One counted total of a vote, 0 until entered; `missing` says which total to enter."""
    return forms.IntegerField(
        label=label, min_value=0, initial=0, error_messages={"required": missing}
    )


class TotalsForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    """The counted totals, with the totals as the page showed them (`shown`, "for:against:abstain")
    and the close button's confirmation, as in BallotsForm."""

    service_fields = ("votes_for", "votes_against", "votes_abstain")

    votes_for = total_field(_("For"), missing=_("Enter the number of votes for."))
    votes_against = total_field(_("Against"), missing=_("Enter the number of votes against."))
    votes_abstain = total_field(
        _("Abstained"), missing=_("Enter the number of members who abstained.")
    )
    shown = forms.RegexField(
        regex=r"^[0-9]+:[0-9]+:[0-9]+$", widget=forms.HiddenInput, required=False
    )
    confirm_close = confirm_close_field()

    def __init__(self, *args: Any, vote: Vote | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if vote is not None:
            self.fields[
                "shown"
            ].initial = f"{vote.votes_for}:{vote.votes_against}:{vote.votes_abstain}"

    def totals(self) -> dict[str, int]:
        return {
            name: self.cleaned_data[name]
            for name in ("votes_for", "votes_against", "votes_abstain")
        }

    def shown_totals(self) -> tuple[int, int, int] | None:
        shown = self.cleaned_data.get("shown") or ""
        if not shown:
            return None
        votes_for, against, abstain = (int(part) for part in shown.split(":"))
        return votes_for, against, abstain

    def close_refused(self) -> bool:
        if not self.cleaned_data.get("confirm_close"):
            self.add_error("confirm_close", CONFIRM_CLOSE_REQUIRED)
            return True
        shown = self.shown_totals()
        entered = tuple(self.totals().values())
        if shown is not None and entered != shown:
            self.add_error(None, UNSAVED_BALLOTS)
            return True
        return False


class ConfirmedActionForm(VersionForm):
    """An irreversible button (mark held, cancel the meeting, sign the minutes): it posts the
    version the page showed and a box the person ticked, so a stray click or Enter changes
    nothing (no JavaScript needed)."""

    confirm = forms.BooleanField(
        required=True, error_messages={"required": _("Tick the box to confirm, then press again.")}
    )

    def refusal(self) -> str:
        """Why the action is refused, for a message on the page it returns to."""
        if "confirm" in self.errors:
            return str(self.errors["confirm"][0])
        return str(_("The page was out of date. Open it again, then confirm."))


class MeetingCancelForm(ConfirmedActionForm):
    """Cancelling a meeting, on a page of its own: the box says what it means."""

    confirm = forms.BooleanField(
        label=_("Cancel it for good: a cancelled meeting cannot be held"),
        error_messages={"required": _("Tick the box to confirm, then press again.")},
    )


class VoteAnnulForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the vote is annulled"),
        help_text=_("The minutes show this reason next to the vote."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter why the vote is annulled.")},
    )
    confirm = forms.BooleanField(
        label=_("Annul this vote. The question can then be put to a new vote."),
        error_messages={"required": _("Tick the box to confirm the annulment.")},
    )


class DecisionForm(ServiceErrorsMixin, forms.Form):
    text, text_ru = text_pair(_("Decision"), rows=4, missing=_("Enter the text of the decision."))
    vote = forms.ModelChoiceField(
        label=_("Taken by the vote"),
        queryset=Vote.objects.none(),
        required=False,
        empty_label=_("No vote"),
    )

    def __init__(self, *args: Any, votes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vote"].queryset = votes  # type: ignore[attr-defined]
        self.fields["vote"].label_from_instance = vote_choice_label  # type: ignore[attr-defined]


def vote_choice_label(vote: Vote) -> str:
    """A vote offered for a decision, with its result: only an approving vote takes one
    (`services.agenda`), and the secretary sees which before choosing."""
    result = _("Annulled") if vote.annulled_at else vote.get_result_display()
    return f"{in_reader_language(vote, 'question')} ({result})"


MEMBER_ATTENDANCE_CHOICES = [
    (AttendanceStatus.IN_PERSON, AttendanceStatus.IN_PERSON.label),
    (AttendanceStatus.ONLINE, AttendanceStatus.ONLINE.label),
    (AttendanceStatus.ABSENT, AttendanceStatus.ABSENT.label),
]


class AttendanceForm(ServiceErrorsMixin, forms.Form):
    """One group of radio buttons per member of the sitting composition."""

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"member_{row.member.pk}"] = forms.ChoiceField(
                label=row.member.full_name,
                choices=MEMBER_ATTENDANCE_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                initial=row.status,
            )

    def statuses(self, *, rest_present: bool = False) -> dict[int, str]:
        """The chosen status of each member; with `rest_present` (the "all present" button) a
        member left unmarked is present in person, and a member marked otherwise keeps it."""
        result = {}
        for row in self.rows:
            value = self.cleaned_data.get(f"member_{row.member.pk}")
            if value:
                result[row.member.pk] = value
            elif rest_present:
                result[row.member.pk] = AttendanceStatus.IN_PERSON
        return result


class GuestForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    service_fields = ("guest_name", "guest_organisation")
    service_names = {"guest_name": "name", "guest_organisation": "organisation"}

    guest_name = forms.CharField(
        label=_("Guest's name"), max_length=200, error_messages={"required": _("Enter the name.")}
    )
    guest_organisation = organisation_field(_("Organisation"), empty_label=_("None"))


# The texts that run long are typed in a box, the rest on one line.
LONG_TEXTS = {"description", "summary", "text"}


class MeetingTextsForm(ServiceErrorsMixin, forms.Form):
    """Every text of a meeting's record that goes into its minutes, Kazakh and Russian side by
    side (services/minutes_texts.py). Field names are `<pair key>-<lang>`, also their ids, so
    the refusal to sign links straight to a missing text."""

    def __init__(self, *args: Any, pairs: list[Any], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "text-%s")
        super().__init__(*args, **kwargs)
        self.pairs = pairs
        for pair in pairs:
            rows = 3 if pair.field in LONG_TEXTS else None
            for lang in ("kk", "ru"):
                field = text_in(
                    lang,
                    pair.what,
                    required=pair.required and lang == "kk",
                    missing=_("Enter the Kazakh text."),
                    rows=rows,
                )
                field.initial = pair.text(lang)
                field.disabled = not pair.can_change(lang)
                self.fields[f"{pair.key}-{lang}"] = field

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"{pair.key}-kk"], self[f"{pair.key}-ru"]) for pair in self.pairs]

    def texts(self) -> dict[str, dict[str, str]]:
        return {
            pair.key: {
                lang: self.cleaned_data.get(f"{pair.key}-{lang}") or ""
                for lang in ("kk", "ru")
                if pair.can_change(lang)
            }
            for pair in self.pairs
        }
