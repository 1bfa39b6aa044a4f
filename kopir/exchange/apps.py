import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "kopir.exchange"
    label = "exchange"
    verbose_name = _("Interagency exchange")
    depends_on: tuple[str, ...] = ("core", "audit", "directory", "accounts")

    def ready(self) -> None:
        from kopir.core.reference_cache import changed_on_write
        from kopir.core.registry import (
            DemoLoader,
            DemoProcess,
            Every,
            HomeItem,
            MenuEntry,
            PeriodicTask,
            registry,
        )
        from kopir.exchange import access, home
        from kopir.exchange.models import Subscription
        from kopir.exchange.services import SUBSCRIPTIONS

        # Each process's copy of the active subscriptions is read again after any change.
        changed_on_write(SUBSCRIPTIONS, Subscription)
        from kopir.exchange.catalogue import (
            EventKind,
            MessageSentPayload,
            register_event_kind,
            register_message_kind,
        )

        registry.add_menu(
            MenuEntry(_("Messages"), "exchange:message_list", access.may_view_messages, 105),
            MenuEntry(
                _("Webhook subscriptions"),
                "exchange:subscription_list",
                access.may_manage_subscriptions,
                115,
            ),
        )
        registry.add_home(
            HomeItem(
                "exchange.dead_deliveries",
                _("Administration"),
                _("Webhook deliveries given up after every retry"),
                _("No delivery was given up."),
                access.may_manage_subscriptions,
                home.dead_count,
                home.dead_url,
                1115,
            )
        )
        # Catches up what the on-commit enqueue missed and retries failed deliveries once their
        # backoff has passed.
        registry.add_jobs(
            PeriodicTask(
                "kopir.exchange.tasks.deliver_due_webhooks", Every(dt.timedelta(minutes=2))
            )
        )
        registry.add_demo(
            DemoLoader(
                "exchange",
                "kopir.exchange.demo.load",
                order=25,
                describe="kopir.exchange.demo.describe",
            )
        )
        # The demo's local webhook receiver, which the demo subscriptions point at.
        registry.add_demo_process(DemoProcess("exchange", ("exchange_demo_receiver",)))
        register_event_kind(
            EventKind(
                name="message.sent",
                description=_("An organisation sent another a tracked message."),
                payload=MessageSentPayload,
            ),
            EventKind(
                name="message.answered",
                description=_("The recipient of a tracked message answered it."),
                payload=MessageSentPayload,
            ),
        )
        # The labels of the message kinds in use. Rehabilitation's handoff is named here too, as
        # its code is a plain string (no import): the exchange's pages must not show raw codes.
        register_message_kind("demo.handoff", _("Handoff between organisations"))
        register_message_kind("rehabilitation.measure", _("Rehabilitation measure"))
