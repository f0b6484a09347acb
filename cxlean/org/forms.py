"""The password forms of the sign-in pages, with the sign-in audit."""

from __future__ import annotations

import unicodedata

from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User

from cxlean.org.accounts import What, record
from cxlean.org.models import Surface


def same_address(one: str, other: str) -> bool:
    def normal(value: str) -> str:
        return unicodedata.normalize("NFKC", value).casefold()

    return normal(one) == normal(other)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Mails the reset link to the person's confirmed address (`User.email`; a new address
    waits in `EmailChange` until confirmed), also to people who have no password yet:
    people added by a coordinator or an import choose their first password this way."""

    def get_users(self, email):
        people = User._default_manager.filter(email__iexact=email, is_active=True)
        return (person for person in people if same_address(email, person.email))

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        super().send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email,
            to_email,
            html_email_template_name,
        )
        record(
            What.PASSWORD_RESET_REQUESTED, person=context["user"], surface=Surface.WEB, new=to_email
        )
