"""Meetings and everything that happens in them: agenda, attendance, speeches, votes, decisions,
petitions brought before the council, accommodation requests, and the minutes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kopir.council.bilingual import in_reader_language


class MeetingFormat(models.TextChoices):
    REGULAR = "regular", _("Regular meeting")
    OFFSITE = "offsite", _("Offsite meeting")
    ONLINE = "online", _("Online meeting")
    HYBRID = "hybrid", _("Hybrid meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    council = models.ForeignKey(
        "council.Council",
        verbose_name=_("council"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    number = models.PositiveIntegerField(_("number"))
    format = models.CharField(_("format"), max_length=20, choices=MeetingFormat.choices)
    starts_at = models.DateTimeField(_("starts"))
    # Texts that go into the minutes are kept in both state languages: the unsuffixed field holds
    # the Kazakh text (as it always did), `_ru` the Russian; see services/minutes_texts.py.
    place = models.CharField(_("place"), max_length=255, blank=True)
    place_ru = models.CharField(_("place in Russian"), max_length=255, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    plan_item = models.ForeignKey(
        "council.WorkPlanItem",
        verbose_name=_("work plan item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
    )
    # The composition whose members sit at this meeting: fixed when attendance is first recorded,
    # so a new composition approved at this very meeting does not change its quorum base.
    composition = models.ForeignKey(
        "council.Composition",
        verbose_name=_("sitting composition"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    invitations_sent_on = models.DateField(_("invitations sent"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["council", "-starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="one_meeting_number")
        ]

    def __str__(self) -> str:
        return f"{self.council_id} meeting {self.number}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda"
    )
    order = models.PositiveIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=500)
    title_ru = models.CharField(_("title in Russian"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_ru = models.TextField(_("description in Russian"), blank=True)
    # The rapporteur is a member of the sitting composition or an official invited to the item;
    # `rapporteur` (the name as written) only for anyone else, as older records were typed.
    rapporteur_member = models.ForeignKey(
        "council.Member",
        verbose_name=_("rapporteur (member)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rapporteur_official = models.ForeignKey(
        "council.InvitedOfficial",
        verbose_name=_("rapporteur (invited official)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rapporteur = models.CharField(_("rapporteur"), max_length=200, blank=True)
    rapporteur_ru = models.CharField(_("rapporteur in Russian"), max_length=200, blank=True)
    petition = models.ForeignKey(
        "council.Petition",
        verbose_name=_("petition"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    plan_item = models.ForeignKey(
        "council.WorkPlanItem",
        verbose_name=_("work plan item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="one_agenda_position")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title[:40]}"

    @property
    def rapporteur_name(self) -> str:
        """Who presents the item, whichever way it was recorded."""
        if self.rapporteur_member_id:
            return self.rapporteur_member.full_name  # type: ignore[union-attr]
        if self.rapporteur_official_id:
            return self.rapporteur_official.full_name  # type: ignore[union-attr]
        # Someone else as the secretary wrote them, in the reader's language.
        return in_reader_language(self, "rapporteur")


class AgendaMaterial(models.Model):
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to="council/materials/%Y/")

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title


class InvitedOfficial(models.Model):
    """An official invited to answer on an item (e.g. the deputy head of the Labour department)."""

    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="invited"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=255)
    position_ru = models.CharField(_("position in Russian"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        "directory.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    # Where the invitation goes; without it, the organisation's own address is used.
    email = models.EmailField(_("e-mail"), blank=True)
    invitation_sent_on = models.DateField(_("invitation sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("invited official")
        verbose_name_plural = _("invited officials")

    def __str__(self) -> str:
        return self.full_name


class MeetingInvitation(models.Model):
    """One invitee of a meeting (a member of the composition or an invited official) and what
    their last invitation said: a change of time or place is sent again as an update of the same
    calendar event (a higher SEQUENCE), a cancellation as its cancellation."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="invitations"
    )
    member = models.ForeignKey(
        "council.Member",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    official = models.ForeignKey(
        InvitedOfficial,
        verbose_name=_("invited official"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # Shown on the meeting page: members and invited officials are named in the minutes anyway.
    full_name = models.CharField(_("full name"), max_length=200)
    # The iCalendar SEQUENCE and the time and place the invitee was last sent.
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    starts_at = models.DateTimeField(_("time sent"))
    location = models.CharField(_("place sent"), max_length=600, blank=True)
    first_sent_at = models.DateTimeField(_("invited"))
    sent_at = models.DateTimeField(_("last sent"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancellation sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["meeting", "first_sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=models.Q(member__isnull=False),
                name="one_invitation_per_member",
            ),
            models.UniqueConstraint(
                fields=["meeting", "official"],
                condition=models.Q(official__isnull=False),
                name="one_invitation_per_official",
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=True) ^ models.Q(official__isnull=True),
                name="invitation_member_or_official",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: invitation {self.pk}"


class AttendanceStatus(models.TextChoices):
    IN_PERSON = "in_person", _("Present in person")
    ONLINE = "online", _("Present online")
    ABSENT = "absent", _("Absent")
    GUEST = "guest", _("Guest")


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        "council.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendance",
    )
    guest_name = models.CharField(_("guest"), max_length=200, blank=True)
    guest_organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("guest's organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("attendance"), max_length=20, choices=AttendanceStatus.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=models.Q(member__isnull=False),
                name="one_attendance_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.member_id or self.guest_name} {self.status}"


class Speech(models.Model):
    """Who spoke on an item and what they said (a summary), including officials' answers."""

    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="speeches"
    )
    order = models.PositiveIntegerField(_("order"))
    speaker = models.CharField(_("speaker"), max_length=200)
    speaker_position = models.CharField(_("speaker's position"), max_length=255, blank=True)
    speaker_position_ru = models.CharField(
        _("speaker's position in Russian"), max_length=255, blank=True
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_official_answer = models.BooleanField(_("an official's answer"), default=False)
    summary = models.TextField(_("summary"))
    summary_ru = models.TextField(_("summary in Russian"), blank=True)

    class Meta:
        verbose_name = _("speech")
        verbose_name_plural = _("speeches")
        ordering = ["agenda_item", "order"]

    def __str__(self) -> str:
        return f"{self.agenda_item_id}.{self.order} {self.speaker}"


class VoteKind(models.TextChoices):
    ROLL_CALL = "roll_call", _("Each member's vote recorded")
    COUNTED = "counted", _("Totals counted")


class VoteResult(models.TextChoices):
    OPEN = "open", _("Voting")
    APPROVED_UNANIMOUSLY = "unanimous", _("Approved unanimously")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")
    NO_QUORUM = "no_quorum", _("No quorum: not decided")


class Vote(models.Model):
    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="votes"
    )
    question = models.CharField(_("question"), max_length=500)
    question_ru = models.CharField(_("question in Russian"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=VoteKind.choices)
    # For counted votes the totals are entered; for roll calls they are computed from ballots
    # when the vote closes and stored, so the minutes never recount.
    votes_for = models.PositiveIntegerField(_("for"), default=0)
    votes_against = models.PositiveIntegerField(_("against"), default=0)
    votes_abstain = models.PositiveIntegerField(_("abstained"), default=0)
    result = models.CharField(
        _("result"), max_length=20, choices=VoteResult.choices, default=VoteResult.OPEN
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Snapshots taken when the vote closes: the basis of the result, kept for the minutes.
    members_present = models.PositiveIntegerField(_("members present"), null=True, blank=True)
    members_in_office = models.PositiveIntegerField(_("members in office"), null=True, blank=True)
    # What the vote decides, when it is a composition or a work plan: closing the vote applies
    # the result to it (approved, or not approved).
    decides_composition = models.ForeignKey(
        "council.Composition",
        verbose_name=_("composition decided"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deciding_votes",
    )
    decides_plan = models.ForeignKey(
        "council.WorkPlan",
        verbose_name=_("work plan decided"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deciding_votes",
    )
    # A vote closed by mistake is annulled by the chair, never reopened or deleted: its count
    # stays on record, and the minutes show that it was annulled and why.
    annulled_at = models.DateTimeField(_("annulled"), null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    annulment_reason = models.TextField(_("reason for the annulment"), blank=True)
    annulment_reason_ru = models.TextField(_("reason for the annulment in Russian"), blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")

    def __str__(self) -> str:
        return f"vote {self.pk} on item {self.agenda_item_id}"


class BallotChoice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class Ballot(models.Model):
    vote = models.ForeignKey(
        Vote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="ballots"
    )
    member = models.ForeignKey(
        "council.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    choice = models.CharField(_("choice"), max_length=10, choices=BallotChoice.choices)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["vote", "member"], name="one_ballot_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}: {self.member_id} {self.choice}"


class Decision(models.Model):
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    text = models.TextField(_("decision"))
    text_ru = models.TextField(_("decision in Russian"), blank=True)
    vote = models.ForeignKey(
        Vote,
        verbose_name=_("vote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    order = models.PositiveIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["agenda_item", "order"]

    def __str__(self) -> str:
        return f"decision {self.pk}"


class PetitionerKind(models.TextChoices):
    NGO = "ngo", _("Non-governmental organisation")
    MEMBER = "member", _("Council member")
    CITIZEN = "citizen", _("Citizen")


class PetitionStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ON_AGENDA = "on_agenda", _("On the agenda")
    CONSIDERED = "considered", _("Considered")
    ANSWERED = "answered", _("Answered")


class PetitionPublication(models.TextChoices):
    """Whether the public page lists the petition: never before the secretary has reviewed it."""

    AWAITING = "awaiting", _("Awaiting review for publication")
    PUBLISHED = "published", _("Published")
    WITHHELD = "withheld", _("Not published")


class Petition(models.Model):
    council = models.ForeignKey(
        "council.Council",
        verbose_name=_("council"),
        on_delete=models.CASCADE,
        related_name="petitions",
    )
    number = models.CharField(_("registration number"), max_length=30)
    petitioner_kind = models.CharField(
        _("petitioner"), max_length=20, choices=PetitionerKind.choices
    )
    # A citizen's name and contacts are personal data: shown to the secretary only, never on the
    # public page unless the petitioner consented.
    petitioner_name = models.CharField(_("petitioner's name"), max_length=200)
    petitioner_organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("petitioner's organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # What a petitioner typed on the public form, when the organisation is not in the directory.
    petitioner_organisation_text = models.CharField(
        _("petitioner's organisation (as written)"), max_length=255, blank=True
    )
    contact_email = models.EmailField(_("e-mail for the answer"), blank=True)
    contact_phone = models.CharField(_("phone for the answer"), max_length=30, blank=True)
    # The language the petitioner wrote in: notices about the petition are sent in it.
    contact_language = models.CharField(
        _("language for notices"), max_length=5, choices=settings.LANGUAGES, default="kk"
    )
    publish_petitioner = models.BooleanField(
        _("the petitioner agrees to be named publicly"), default=False
    )
    subject = models.CharField(_("subject"), max_length=500)
    text = models.TextField(_("petition"))
    # The district the petition is about, where the petitioner or the secretary names one: the
    # recurring-problem radar says in how many districts a problem was raised.
    territory = models.ForeignKey(
        "directory.Territory",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_on = models.DateField(_("received"))
    answer_due_on = models.DateField(_("answer due"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PetitionStatus.choices,
        default=PetitionStatus.REGISTERED,
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered"), null=True, blank=True)
    # Filed through the public form (no account) rather than registered by the secretary.
    submitted_online = models.BooleanField(_("submitted online"), default=False)
    registered_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # What the public page shows is what the secretary approved, never the subject or text as the
    # petitioner typed them (a name, an IIN or a diagnosis must not be published unreviewed).
    publication = models.CharField(
        _("publication"),
        max_length=20,
        choices=PetitionPublication.choices,
        default=PetitionPublication.AWAITING,
    )
    public_title = models.CharField(_("title for the public page"), max_length=300, blank=True)
    public_summary = models.TextField(_("summary for the public page"), blank=True)
    published_on = models.DateField(_("published"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["council", "-received_on"]
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="one_petition_number")
        ]
        indexes = [
            models.Index(fields=["council", "status", "answer_due_on"], name="petition_due_idx")
        ]

    def __str__(self) -> str:
        return f"petition {self.number}"


class PetitionEvent(models.Model):
    """One step of a petition's timeline: who moved it from which status to which. Written by
    `petition_transition` only, never changed."""

    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    # Empty when the step was not taken by a signed-in user.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(
        pgettext_lazy("status", "from"), max_length=20, choices=PetitionStatus.choices
    )
    to_status = models.CharField(
        pgettext_lazy("status", "to"), max_length=20, choices=PetitionStatus.choices
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("petition event")
        verbose_name_plural = _("petition events")
        ordering = ["petition", "at", "id"]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.from_status}→{self.to_status}"


class AccommodationNeed(models.TextChoices):
    SIGN_LANGUAGE = "sign_language", _("Sign-language interpreter")
    CAPTIONS = "captions", _("Live captions")
    BRAILLE = "braille", _("Materials in Braille")
    LARGE_PRINT = "large_print", _("Materials in large print")
    EASY_READ = "easy_read", _("Easy-read materials")
    STEP_FREE = "step_free", _("Step-free, accessible venue")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    OTHER = "other", _("Something else (say what)")


class AccommodationStatus(models.TextChoices):
    OPEN = "open", _("To arrange")
    ARRANGED = "arranged", _("Arranged")
    DECLINED = "declined", _("Could not be arranged")


class AccommodationRequest(models.Model):
    """A participant's request that becomes a task for the secretary, due before the meeting."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="accommodation_requests",
    )
    requested_by = models.CharField(_("requested by"), max_length=200)
    # Set when a member asked through their own account (they see their requests' progress).
    requested_by_account = models.ForeignKey(
        "accounts.User",
        verbose_name=_("requested through the account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when the invitee asked through their invitation's personal link.
    invitation = models.ForeignKey(
        "council.MeetingInvitation",
        verbose_name=_("invitation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accommodation_requests",
    )
    need = models.CharField(_("need"), max_length=20, choices=AccommodationNeed.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AccommodationStatus.choices,
        default=AccommodationStatus.OPEN,
    )
    due_on = models.DateField(_("due"))
    resolution = models.CharField(_("what was done"), max_length=500, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("accommodation request")
        verbose_name_plural = _("accommodation requests")
        ordering = ["meeting", "due_on"]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.need}"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class Minutes(models.Model):
    """The minutes (хаттама) of a meeting. Locked once approved by both chair and secretary."""

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="minutes"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    approved_by_chair = models.ForeignKey(
        "accounts.User",
        verbose_name=_("signed by the chair"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by_secretary = models.ForeignKey(
        "accounts.User",
        verbose_name=_("signed by the secretary"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    chair_signed_at = models.DateTimeField(_("chair signed"), null=True, blank=True)
    secretary_signed_at = models.DateTimeField(_("secretary signed"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"minutes of meeting {self.meeting_id}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class MinutesVersion(models.Model):
    """Each saved text of the minutes, in Kazakh and Russian. Never changed once written."""

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("minutes"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    # The structured content assembled from the meeting (agenda, attendance, speeches, votes,
    # decisions, recommendations) plus the secretary's edits, per language.
    body_kk = models.JSONField(_("text in Kazakh"))
    body_ru = models.JSONField(_("text in Russian"))
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    note = models.CharField(_("what changed"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")
        ordering = ["minutes", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="one_minutes_version")
        ]

    def __str__(self) -> str:
        return f"minutes {self.minutes_id} v{self.number}"
