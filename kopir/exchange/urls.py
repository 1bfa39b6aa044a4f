"""The interagency exchange: webhook subscriptions and tracked messages."""

from django.urls import URLPattern, path

from kopir.exchange import views

app_name = "exchange"

urlpatterns: list[URLPattern] = [
    path("messages/", views.message_list, name="message_list"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("messages/<int:pk>/acknowledge/", views.message_acknowledge, name="message_acknowledge"),
    path("messages/<int:pk>/answer/", views.message_answer, name="message_answer"),
    path("subscriptions/", views.subscription_list, name="subscription_list"),
    path("subscriptions/new/", views.subscription_create, name="subscription_create"),
    path("subscriptions/<int:pk>/", views.subscription_detail, name="subscription_detail"),
    path("subscriptions/<int:pk>/edit/", views.subscription_edit, name="subscription_edit"),
    path("subscriptions/<int:pk>/rotate/", views.subscription_rotate, name="subscription_rotate"),
    path(
        "subscriptions/<int:pk>/disable/", views.subscription_disable, name="subscription_disable"
    ),
    path("subscriptions/<int:pk>/enable/", views.subscription_enable, name="subscription_enable"),
    path("deliveries/dead/", views.dead_letters, name="dead_letters"),
    path("deliveries/<int:pk>/replay/", views.delivery_replay, name="delivery_replay"),
    path("demo-receiver/", views.demo_receiver, name="demo_receiver"),
]
