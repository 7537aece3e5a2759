from django import forms
from django.contrib.auth.forms import AuthenticationForm


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
