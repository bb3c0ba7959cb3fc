"""The text of the template's ``Lisez-moi`` sheet, in French: what each sheet is for, how to
fill it, where to send it, and the personal-data notice. Pure: configuration → rows; the
template lays them out."""

from __future__ import annotations

import datetime as dt

from .config import Config
from .schema import TEXT, Spec


def version_label(spec: Spec) -> str:
    """The label of the template version field (also the custom document property's name)."""
    return spec.section.column("template_version").label


def _french_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def readme_rows(config: Config) -> list[tuple[str, str, str]]:
    """The ``Lisez-moi`` sheet as (style, column A, column B) rows, in French."""
    end = config.period_end
    try:
        keep_until = end.replace(year=end.year + 1)
    except ValueError:  # 29 February
        keep_until = end + dt.timedelta(days=365)
    spec = config.spec
    section = spec.section.name
    establishments = spec.sites.name if spec.sites is not None else ""
    rows = [
        ("title", f"Rapport de section – {config.title}", ""),
        ("label", version_label(spec), spec.version),
        ("label", "Période de la convention", f"du {_french_date(config.period_start)} au {_french_date(end)}"),
        ("", "", ""),
        ("heading", "À quoi sert ce classeur", ""),
        (
            "",
            "",
            "Chaque section de l'ANVP et d'Auxilia tient ce classeur à jour et l'envoie chaque mois au "
            "référent de son association. Les référents réunissent tous les classeurs dans le tableau de "
            "bord du partenariat (présence dans les établissements, actions, réunions, orientations, "
            "formations, communication, appels à projet), partagé avec les adhérents et les présidents.",
        ),
        ("heading", "Les feuilles", ""),
    ]
    rows += [("label", s.name, s.help) for s in spec.sheets if s.layout != TEXT]
    steps = [
        f"Commencez par la feuille « {section} » : association, nom de la section, rédacteur, "
        "courriel et date de mise à jour (les cases jaunes).",
        "Une ligne par enregistrement (une action, une réunion, un bénévole…), à partir de la ligne 2, "
        "sans ligne vide entre deux enregistrements.",
        "Utilisez les listes déroulantes : elles donnent les valeurs acceptées. Choisissez l'établissement "
        "dans sa liste (son code et son nom, par exemple « CP-NANTERRE · Centre pénitentiaire de Nanterre ») ; "
        f"la feuille « {spec.referentiel_sheet} » les donne tous, par DISP.",
        "Dates au format jj/mm/aaaa (par exemple 15/03/2023) ; nombres en chiffres seulement.",
        "Les en-têtes bleu foncé signalent les colonnes obligatoires ; cliquez sur un en-tête pour lire son aide.",
        "Ne nommez jamais une personne détenue, nulle part dans ce classeur.",
        f"Gardez ce fichier : chaque mois, ajoutez les nouvelles lignes à la suite, mettez à jour la "
        f"feuille « {establishments} » et la date de mise à jour, puis envoyez le classeur entier : "
        "il est cumulatif depuis le début de la convention.",
        "Ne renommez pas les feuilles ni les en-têtes et ne supprimez pas de colonne : le classeur ne "
        "pourrait plus être lu. Les feuilles sont protégées sans mot de passe ; vous pouvez trier, filtrer, "
        "insérer et supprimer des lignes.",
        f"Si le référent vous renvoie votre classeur avec une feuille « {spec.return_sheet} », c'est lui que vous "
        "gardez : corrigez les cellules signalées et envoyez-le le mois suivant.",
    ]
    rows += [("heading", "Comment le remplir", "")]
    rows += [("", f"{i}.", text) for i, text in enumerate(steps, 1)]
    rows += [
        ("heading", "À qui l'envoyer", ""),
        (
            "",
            "",
            f"Chaque mois, avant le {config.report_day} du mois, envoyez le classeur complet (.xlsx) "
            "au référent de votre association :",
        ),
    ]
    rows += [("label", name, mail) for name, mail in config.referents.items()]
    rows += [
        ("heading", "Données personnelles", ""),
        (
            "label",
            "Ce qui est recueilli",
            f"Les noms, prénoms, rôles, adhésions et mandats des bénévoles de la section (feuille "
            f"« {spec.sheet('volunteers').name} ») et le nom du rédacteur. Aucune donnée sur les personnes "
            "détenues : n'en nommez jamais.",
        ),
        (
            "label",
            "Pourquoi",
            "Suivre la mise en œuvre de la convention, en particulier la présence des deux associations "
            "et les mandats nominatifs prévus à son article 1, et établir le tableau de bord du partenariat.",
        ),
        (
            "label",
            "Qui les voit",
            "Les référents des deux associations. Les noms ne figurent que dans le classeur de travail du "
            "référent (suivi des mandats) ; le tableau de bord diffusé aux adhérents ne contient aucun nom.",
        ),
        (
            "label",
            "Combien de temps",
            f"Pendant la convention et un an après, soit jusqu'au {_french_date(keep_until)}, puis ils sont supprimés.",
        ),
        (
            "label",
            "Vos droits",
            "Pour consulter, corriger ou supprimer vos données, écrivez au référent de votre association.",
        ),
    ]
    return rows


