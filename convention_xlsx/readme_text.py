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
    """The ``Lisez-moi`` sheet as (style, column A, column B) rows, in French: the convention's own texts
    from ``[modele.lisez_moi]``, the rest from the workbook's description and the référentiel."""
    end = config.period_end
    try:
        keep_until = end.replace(year=end.year + 1)
    except ValueError:  # 29 February
        keep_until = end + dt.timedelta(days=365)
    spec = config.spec
    notice = spec.notice
    ref = config.referentiel
    section = spec.section.name
    sites = spec.sites.name if spec.sites is not None else ""
    rows = [
        ("title", f"{spec.title} – {config.title}", ""),
        ("label", version_label(spec), spec.version),
        ("label", "Période de la convention", f"du {_french_date(config.period_start)} au {_french_date(end)}"),
        ("", "", ""),
        ("heading", "À quoi sert ce classeur", ""),
        ("", "", notice.get("but", "Chaque section tient ce classeur à jour et l'envoie chaque mois au référent de "
                                  "son association, qui réunit tous les classeurs dans le tableau de bord de la "
                                  "convention.")),
        ("heading", "Les feuilles", ""),
    ]
    rows += [("label", s.name, s.help) for s in spec.sheets if s.layout != TEXT]
    first = ref.establishments[0] if len(ref) else None
    example = f" (son code et son nom, par exemple « {first.code} · {first.name} »)" if first else ""
    keep = (f"mettez à jour la feuille « {sites} » et la date de mise à jour" if sites
            else "mettez à jour la date de mise à jour")
    steps = [
        f"Commencez par la feuille « {section} » : association, nom de la section, rédacteur, "
        "courriel et date de mise à jour (les cases jaunes).",
        "Une ligne par enregistrement, à partir de la ligne 2, sans ligne vide entre deux enregistrements.",
        f"Utilisez les listes déroulantes : elles donnent les valeurs acceptées. Choisissez le {ref.site_label} "
        f"dans sa liste{example} ; la feuille « {spec.referentiel_sheet} » les donne tous, par "
        f"{ref.group_label}.",
        "Dates au format jj/mm/aaaa (par exemple 15/03/2023) ; nombres en chiffres seulement.",
        "Les en-têtes bleu foncé signalent les colonnes obligatoires ; cliquez sur un en-tête pour lire son aide.",
        "Ne nommez jamais une personne détenue, nulle part dans ce classeur.",
        f"Gardez ce fichier : chaque mois, ajoutez les nouvelles lignes à la suite, {keep}, puis envoyez le "
        "classeur entier : il est cumulatif depuis le début de la convention.",
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
    personal = [s.name for s in spec.table_sheets if any(c.personal for c in s.columns)]
    where = (" (feuille" + ("s " if len(personal) > 1 else " ") + ", ".join(f"« {n} »" for n in personal) + ")"
             if personal else "")
    rows += [
        ("heading", "Données personnelles", ""),
        ("label", "Ce qui est recueilli", notice.get(
            "recueilli", f"Les noms des personnes saisis dans ce classeur{where} et le nom du rédacteur. Aucune "
            "donnée sur les personnes détenues : n'en nommez jamais.")),
        ("label", "Pourquoi", notice.get("pourquoi", "Suivre la mise en œuvre de la convention et établir son "
                                                     "tableau de bord.")),
        ("label", "Qui les voit", notice.get(
            "destinataires", "Les référents des associations de la convention. Le tableau de bord diffusé aux "
            "adhérents ne contient aucun nom.")),
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
