from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import formats, timezone

from faireadmin import audit, verrouillage
from faireadmin.audit import adresse_client
from faireadmin.models import Agent, EvenementSecurite
from faireadmin.sso import sso_actif


class ConnexionForm(AuthenticationForm):
    """Login by e-mail, with a French message that does not say which field was wrong."""

    username = forms.EmailField(
        label="Adresse e-mail",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
        error_messages={
            "required": "Saisissez votre adresse e-mail.",
            "invalid": "Saisissez une adresse e-mail valide, par exemple prenom.nom@region.fr.",
        },
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Saisissez votre mot de passe."},
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "Adresse e-mail ou mot de passe incorrect. "
            "Vérifiez votre saisie : le mot de passe distingue majuscules et minuscules."
        ),
        "inactive": "Ce compte est désactivé. Contactez l'équipe du Lab'.",
    }

    def clean(self):
        identifiant = (self.cleaned_data.get("username") or "").strip().lower()
        jusqua = identifiant and verrouillage.verrouille_jusqua(
            identifiant, adresse_client(self.request)
        )
        if jusqua:
            audit.consigner(
                EvenementSecurite.Nature.VERROUILLAGE,
                agent=Agent.objects.filter(email=identifiant).first(),
                request=self.request,
                identifiant=identifiant,
            )
            heure = formats.time_format(timezone.localtime(jusqua), "G\\hi")
            raise ValidationError(
                f"Trop d'essais infructueux : ce compte est bloqué depuis cette adresse "
                f"jusqu'à {heure}. Réessayez plus tard, ou réinitialisez votre mot de passe.",
                code="verrouille",
            )
        return super().clean()

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if sso_actif() and not user.is_staff:
            raise ValidationError(
                "Connectez-vous avec votre compte de la Région (bouton ci-dessous) : "
                "la connexion par mot de passe est réservée aux administrateurs.",
                code="sso",
            )


class MotDePasseOublieForm(PasswordResetForm):
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Saisissez votre adresse e-mail.",
            "invalid": "Saisissez une adresse e-mail valide.",
        },
    )
