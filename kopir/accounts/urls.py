from django.urls import path

from kopir.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("verify/", views.verify, name="verify"),
    path("two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path(
        "two-factor/backup-codes/",
        views.backup_codes_regenerate,
        name="backup_codes_regenerate",
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.password_change, name="password_change"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path(
        "users/<int:pk>/reset-two-factor/",
        views.user_reset_two_factor,
        name="user_reset_two_factor",
    ),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
]
