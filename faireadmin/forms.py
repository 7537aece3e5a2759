import time

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.template import loader
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from faireadmin import audit, outbox
from faireadmin.models import Agent, EvenementSecurite
from faireadmin.sso import sso_actif

Nature = EvenementSecurite.Nature


class VerificationDuVerrou:
    """Says in French why a login was refused when the password backend found it locked out
    (faireadmin.verrouillage: the one place that checks)."""

    def clean(self):
        try:
            return super().clean()  # type: ignore[misc]
        except ValidationError:
            verrou = getattr(self.request, "verrou", None)  # type: ignore[attr-defined]
            if verrou is None:
                raise
            if verrou.par_adresse:
                secondes = max(int((verrou.jusqua - timezone.now()).total_seconds()) + 1, 1)
                message = (
                    "Trop d'essais infructueux depuis cette adresse : depuis un appareil où "
                    "personne ne s'est encore connecté, un essai est possible toutes les "
                    f"{settings.VERROUILLAGE_SECONDES_ENTRE_ESSAIS} secondes. Réessayez dans "
                    f"{secondes} secondes ; depuis votre appareil habituel, tout de suite."
                )
            else:
                heure = formats.time_format(timezone.localtime(verrou.jusqua), "G\\hi")
                message = (
                    "Trop d'essais infructueux : ce compte est bloqué jusqu'à "
                    f"{heure} sur les appareils où il ne s'est encore jamais connecté. "
                    "Connectez-vous depuis votre appareil habituel, réessayez plus tard, ou "
                    "réinitialisez votre mot de passe."
                )
            raise ValidationError(message, code="verrouille") from None


class ConnexionForm(VerificationDuVerrou, AuthenticationForm):
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
    # With single sign-on, a wrong password and an agent's right one get the same answer:
    # the page never tells whether a password was right.
    INVALIDE_AVEC_SSO = (
        "Adresse e-mail ou mot de passe incorrect. Les agents se connectent avec leur compte "
        "de la Région (bouton ci-dessus) : le mot de passe est réservé aux administrateurs."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if sso_actif():
            self.error_messages = {**self.error_messages, "invalid_login": self.INVALIDE_AVEC_SSO}

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if sso_actif() and not user.is_staff:
            audit.consigner(
                Nature.ECHEC_CONNEXION,
                agent=user,
                request=self.request,
                identifiant=user.email,
                motif="mot de passe d'un agent : authentification unique obligatoire",
            )
            raise self.get_invalid_login_error()


class ConnexionAdminForm(VerificationDuVerrou, AdminAuthenticationForm):
    """The admin's login page, with the same lockout message."""


DEMANDES_DE_REINITIALISATION_PAR_HEURE = 3


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

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        """Through the outbox, like every e-mail: the page answers at once whether or not an
        account exists (no timing to tell), and a mail server outage is retried. The link
        is never stored: it is made when the e-mail leaves (``lien_de_reinitialisation``)."""
        user = context["user"]
        context = {**context, "lien": outbox.marque(LIEN_DE_REINITIALISATION)}
        outbox.notifier(
            nature="compte.mot_de_passe",
            objet=f"agent:{user.pk}",
            destinataire=user,
            periode=str(time.time_ns()),
            sujet=loader.render_to_string(subject_template_name, context),
            corps=loader.render_to_string(email_template_name, context),
            liens={LIEN_DE_REINITIALISATION: {"agent": user.pk}},
        )


LIEN_DE_REINITIALISATION = "reinitialisation"


def lien_de_reinitialisation(*, agent: int) -> str:
    """The reset link, made as the e-mail leaves: valid one hour from then, and once."""
    compte = Agent.objects.get(pk=agent)
    chemin = reverse(
        "mot_de_passe_nouveau",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(compte.pk)),
            "token": default_token_generator.make_token(compte),
        },
    )
    return settings.FAIREADMIN["SITE_URL"] + chemin
