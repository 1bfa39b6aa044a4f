from django.contrib.auth import views as auth_views
from django.urls import path

app_name = "accounts"

# Skeleton: replaced by the accounts work (password + TOTP sign-in, lockout, account pages).
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("verify/", auth_views.LoginView.as_view(), name="verify"),
    path("two-factor/", auth_views.LoginView.as_view(), name="two_factor_setup"),
    path("profile/", auth_views.LoginView.as_view(), name="profile"),
    path("users/", auth_views.LoginView.as_view(), name="user_list"),
]
