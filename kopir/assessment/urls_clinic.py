"""The referring clinic's pages and the completeness rules' pages (mounted at /<lang>/mse/).

Referrals are addressed by id, never by the person's IIN or name.
"""

from django.urls import URLPattern, path

from kopir.assessment.views import clinic, rules

urlpatterns: list[URLPattern] = [
    path("clinic/", clinic.referral_list, name="clinic_list"),
    path("clinic/new/", clinic.referral_new, name="clinic_create"),
    path("clinic/referrals/<int:pk>/", clinic.referral_detail, name="clinic_detail"),
    path("clinic/referrals/<int:pk>/edit/", clinic.referral_edit, name="clinic_edit"),
    path("clinic/referrals/<int:pk>/send/", clinic.referral_send_view, name="clinic_send"),
    path(
        "clinic/referrals/<int:pk>/documents/new/",
        clinic.attachment_new,
        name="clinic_attachment_add",
    ),
    path(
        "clinic/referrals/<int:pk>/documents/<int:attachment_pk>/remove/",
        clinic.attachment_delete,
        name="clinic_attachment_remove",
    ),
    # Shared by the clinic and the MSE division the referral was sent to.
    path(
        "referrals/<int:pk>/documents/<int:attachment_pk>/",
        clinic.attachment_download,
        name="attachment_download",
    ),
    path("rules/", rules.rule_set_list, name="rules_list"),
    path("rules/new/", rules.rule_set_new, name="rules_create"),
    path("rules/<int:pk>/", rules.rule_set_detail, name="rules_detail"),
    path("rules/<int:pk>/edit/", rules.rule_set_edit, name="rules_edit"),
    path("rules/<int:pk>/activate/", rules.rule_set_activate_view, name="rules_activate"),
    path("rules/<int:pk>/retire/", rules.rule_set_retire_view, name="rules_retire"),
    path("rules/<int:pk>/rules/new/", rules.rule_new, name="rules_rule_create"),
    path("rules/<int:pk>/rules/<int:rule_pk>/edit/", rules.rule_edit, name="rules_rule_edit"),
    path("rules/<int:pk>/rules/<int:rule_pk>/delete/", rules.rule_remove, name="rules_rule_delete"),
]
