"""Form pieces every app shares: the version a page was read at, a service's refusal shown on
the form, the form after an edit conflict with what the other person saved, and a list page's
filters."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from kopir.core.errors import ConflictError, DomainError
from kopir.core.uploads import DOCUMENT_EXTENSIONS, check_upload

FormT = TypeVar("FormT", bound=forms.BaseForm)
CriteriaT = TypeVar("CriteriaT")

# The mixin only makes sense on a form; mypy learns that from this base, Python gets a plain
# object so the mixin goes before any form class in a subclass's bases.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class ServiceErrorsMixin(_FormBase):
    """A form whose input a service checks again (against the database, the workflow's rules).

    The service's refusal lands on the field it names, or above the form when it names none the
    form shows. A form whose fields are named differently from the service's input maps the names
    in `service_error_field`.
    """

    def service_error_field(self, key: str) -> str | None:
        """The form field a service's error `key` belongs on; None puts it above the form."""
        if key == NON_FIELD_ERRORS or key not in self.fields:
            return None
        return key

    # Set when the service refused because someone saved the record since the page was read: the
    # page then answers 409 (core.responses.render_form_page).
    conflict = False

    def add_service_error(self, error: ValidationError | DomainError) -> None:
        if isinstance(error, ConflictError):
            self.conflict = True
        if isinstance(error, DomainError):
            # A rule said no to the whole operation (a conflict, a transition): no field to blame.
            self.add_error(None, str(error))
        elif hasattr(error, "error_dict"):
            for key, messages in error.error_dict.items():
                self.add_error(self.service_error_field(key), messages)
        else:
            self.add_error(None, error)


def service_saved(form: ServiceErrorsMixin, save: Callable[[], object]) -> bool:
    """Run `save`, the service call a valid form's input goes to. False when the service refused:
    its reason is then on the form (`add_service_error`, which sets `form.conflict` for a lost
    edit race)."""
    try:
        save()
    except (ValidationError, DomainError) as error:
        form.add_service_error(error)
        return False
    return True


def radio_choice(label: Any, choices: Any, *, missing: Any, **options: Any) -> forms.ChoiceField:
    """A required choice shown as radio buttons; `missing` says what to choose when none is."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": missing},
        **options,
    )


class DatePickerInput(forms.DateInput):
    """A date chosen in the browser's date picker. `<input type="date">` shows and sends only ISO
    dates, so a date the form holds is written that way whatever the page's language (the
    Kazakh and Russian formats would give the picker a value it cannot read, and it would show
    the field empty)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(
    label: Any,
    *,
    required: bool = True,
    help_text: Any = "",
    missing: Any = "",
    invalid: Any = "",
) -> forms.DateField:
    """A date picked in the browser's own date input, which sends it as YYYY-MM-DD whatever the
    page's language; `missing` and `invalid`, where given, say what to enter instead of Django's
    refusals."""
    refusals = {key: text for key, text in (("required", missing), ("invalid", invalid)) if text}
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DatePickerInput,
        error_messages=refusals or None,
    )


# What each half of a text kept in both state languages is labelled (the pair has a legend).
IN_LANGUAGE = {"kk": _("In Kazakh"), "ru": _("In Russian")}


def text_in(
    lang: str,
    label: Any,
    *,
    required: bool = True,
    missing: Any = "",
    max_length: int | None = None,
    rows: int | None = None,
    hint: Any = "",
) -> forms.CharField:
    """One language's half of a text kept in Kazakh and Russian (`title`, `title_ru`), rendered
    side by side by the `bilingual` tag. The input carries `lang` so it is spelled-checked and
    read aloud in its language; `label` is the pair's legend.

    The Russian half may stay empty while the record is drafted (what needs it, such as signing
    the minutes, says so), so it is not marked optional either."""
    widget: forms.Widget = (
        forms.Textarea(attrs={"rows": rows, "lang": lang})
        if rows
        else forms.TextInput(attrs={"lang": lang})
    )
    field = forms.CharField(
        label=IN_LANGUAGE[lang],
        required=required,
        max_length=max_length,
        widget=widget,
        error_messages={"required": missing} if missing else None,
    )
    field.group_label = label  # type: ignore[attr-defined]
    field.pair_hint = hint  # type: ignore[attr-defined]
    field.conditional = True  # type: ignore[attr-defined]
    return field


def text_pair(
    label: Any, *, max_length: int | None = None, rows: int | None = None, **kazakh: Any
) -> tuple[forms.CharField, forms.CharField]:
    """Both halves of a text kept in Kazakh and Russian, for `title, title_ru = text_pair(…)`:
    the same legend and size; what else is said (`required`, `missing`, `hint`) is said of the
    Kazakh half, as the Russian one is never required (`text_in`)."""
    return (
        text_in("kk", label, max_length=max_length, rows=rows, **kazakh),
        text_in("ru", label, required=False, max_length=max_length, rows=rows),
    )


class VersionForm(ServiceErrorsMixin, forms.Form):
    """Carries the version the page was read at, for optimistic locking: a service refuses the
    change with a ConflictError when someone saved the record since. Buttons that change a record
    (send, accept, hold, sign) post only this; edit forms extend it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def at_version(
    form_class: Callable[..., FormT], request: HttpRequest, record: Any, **kwargs: Any
) -> FormT:
    """`form_class` bound to what was posted, or, on a GET, empty but for the version `record` is
    read at: the form of a step that a change saved since the page was read must refuse."""
    data = request.POST if request.method == "POST" else None
    return form_class(data, initial={"version": record.version}, **kwargs)


class FilterForm(forms.Form, Generic[CriteriaT]):
    """A list page's filters, sent by GET. A subclass says how its cleaned data become the
    criteria its selector takes (`criteria_from`), and, where two of its dates bound a period,
    names them and what is said when the end comes before the start (`date_range`: the start field,
    the end field, the message; the error is on the end field)."""

    date_range: tuple[str, str, Any] | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.date_range is not None:
            first, last, message = self.date_range
            start, end = cleaned.get(first), cleaned.get(last)
            if start and end and start > end:
                self.add_error(last, message)
        return cleaned

    def criteria(self) -> CriteriaT | None:
        """What to list: every row before the form is sent; None when what was sent does not make
        sense, so the page shows the errors and no rows, and nothing is read."""
        if not self.is_bound:
            return self.criteria_from({})
        if not self.is_valid():
            return None
        return self.criteria_from(self.cleaned_data)

    def criteria_from(self, data: Mapping[str, Any]) -> CriteriaT:
        raise NotImplementedError


def form_after_conflict(
    form_class: type[FormT],
    request: HttpRequest,
    error: ConflictError,
    stored_version: int,
    **form_kwargs: Any,
) -> FormT:
    """The form as the person posted it, with the conflict on top and the version now stored:
    nothing of theirs is lost, and sending it again is a deliberate overwrite."""
    posted = request.POST.copy()
    posted["version"] = str(stored_version)
    form = form_class(posted, **form_kwargs)
    form.is_valid()
    form.add_error(None, str(error))
    return form


def saved_differences(
    form: forms.BaseForm,
    entered: Mapping[str, Any],
    saved: Mapping[str, Any],
    *,
    own_language: Collection[str] = (),
) -> list[dict[str, str]]:
    """After an edit conflict: each field whose saved value differs from the person's input,
    labelled as the form labels it, with the saved value as the form would show it (for
    core/partials/conflict_differences.html). Keys of both mappings are the form's field names;
    a field without valid input (not in `entered`) has its own error to show instead. The
    fields named in `own_language` hold a language code whose name is written in that language
    (as a language list shows it), so the difference carries it as `lang`."""
    differences = []
    for name, value in saved.items():
        if name not in entered or _comparable(value) == _comparable(entered[name]):
            continue
        field = form.fields[name]
        difference = {"label": str(field.label), "saved": _shown(field, value)}
        if name in own_language and value:
            difference["lang"] = str(value)
        differences.append(difference)
    return differences


class ComparedEditForm(ServiceErrorsMixin):
    """An edit form that, after a lost race, lists what the other person saved: a subclass says
    which of the record's values its fields hold (`saved_values`); the comparison and how each
    value is shown are `saved_differences`'."""

    own_language_fields: Collection[str] = ()

    def saved_values(self, record: Any) -> Mapping[str, Any]:
        raise NotImplementedError

    def entered_values(self) -> Mapping[str, Any]:
        """The person's valid input by field name; a field with an error has no entry."""
        return getattr(self, "cleaned_data", {})

    def differences_from(self, record: Any) -> list[dict[str, str]]:
        return saved_differences(
            self,
            self.entered_values(),
            self.saved_values(record),
            own_language=self.own_language_fields,
        )


def _comparable(value: Any) -> Any:
    # A multiple choice keeps no order the person chose; "" and None both mean "not given".
    if isinstance(value, list | tuple | set):
        return sorted(str(item) for item in value)
    return "" if value is None else value


def _shown(field: forms.Field, value: Any) -> str:
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if value in (None, "", [], ()):
        return str(_("(empty)"))
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        labels = {str(key): str(label) for key, label in field.widget.choices}
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(labels.get(str(item), str(item)) for item in values)
    return str(formats.localize(value))


class SearchForm(forms.Form):
    """The staff search's words (a number, or words of a title or text) and, on a kind's own
    pages, that kind (`kinds`: the `SearchKind`s the user's roles search)."""

    q = forms.CharField(
        label=_("Words or a number"),
        min_length=2,
        max_length=100,
        strip=True,
        help_text=_("A registration number exactly, or words from a title or a text."),
    )
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)

    def __init__(self, *args: Any, kinds: Collection[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", _("Every kind")), *((k.key, k.label) for k in kinds)]


def checked_upload(
    form: forms.Form, name: str, allowed: tuple[str, ...] = DOCUMENT_EXTENSIONS
) -> Any:
    """The file uploaded in the field `name`, if any, once `core/uploads.py::check_upload` found
    it of an `allowed` kind, size and content (a ValidationError saying what is wrong otherwise):
    a form's `clean_<name>`."""
    upload = form.cleaned_data.get(name)
    if upload:
        check_upload(upload, allowed)
    return upload
