"""The multilingual vocabulary of page furniture, in one place.

Each table maps a language code to short, common phrases (regular-expression fragments,
matched case-insensitively) that web pages put around an article, never inside it:
headers that open a related-links box or a comment thread, lead-ins of a link to another
story, calls to action (share, subscribe, donate), credit lines, tag and category lines,
and the few notices that come as whole sentences (newsletter sign-ups, licences, consent
and affiliate disclosures).

The phrases are the well-known ones of each language -- what a WordPress theme, a CMS or
a newspaper's template prints -- not strings of particular sites.  A phrase list can only
ever *remove* a line, and the cleaner applies most of them to short lines only, so a body
in a language missing here is still judged by its shape.

The plain-text cleaner (``textlines``) compiles them; the HTML block judge (``prose``) has
its own shorter lists, at the end of the tables (``BLOCK_*``).
"""

from __future__ import annotations

import re

# Headers opening a section of links to other stories (or about the author), which ends
# the article when the prose after it is about something else.  The whole line must be
# the header (trailing ':' and arrows allowed).
SECTION_HEADERS: dict[str, tuple[str, ...]] = {
    "en": (
        r"related(?: articles?| stories| posts?| news| content| coverage| topics| reading| links| videos?| items)?",
        r"read (?:more|also|next)", r"also read", r"see also", r"more (?:from|on|about|stories|news|in)\b.*",
        r"more like this", r"you (?:may|might) (?:also )?(?:like|enjoy|be interested)\b.*",
        r"recommended(?: for you| stories| articles| reading)?", r"don[’']?t miss", r"do not miss",
        r"most (?:read|popular|viewed|shared|commented)", r"trending(?: now| stories)?", r"top stories",
        r"popular (?:posts|stories|articles)", r"latest (?:news|stories|posts|articles|headlines)",
        r"what to read next", r"editor[’']?s picks", r"(?:other|similar|recent|more|featured) (?:posts|articles|stories)",
        r"related(?: \w+)?", r"more (?:\w+\s*){1,3}", r"further reading", r"keep reading", r"up next",
        r"in case you missed it", r"explore more", r"more to explore", r"about the authors?", r"about us",
        r"(?:sponsored|promoted|partner) (?:content|stories|links)", r"around the web", r"from (?:our|the) partners?",
        r"from the web", r"you may also be interested in", r"similar posts", r"related posts",
    ),
    "de": (
        r"lesen sie (?:auch|mehr|hier)", r"lies auch", r"auch lesenswert", r"mehr zum thema(?: \w+)?", r"mehr dazu",
        r"weitere (?:artikel|themen|beiträge|nachrichten|news|meldungen|informationen|infos|links|berichte|texte)(?: \w+){0,4}",
        r"(?:ähnliche|verwandte|passende) (?:artikel|beiträge|themen|themenbereiche|links|news|nachrichten|inhalte)",
        r"(?:das|diese[sr]?) (?:\w+ )?könnte (?:sie|dich|euch) (?:auch )?interessieren", r"auch interessant",
        r"(?:zum )?weiterlesen", r"für (?:sie|dich) empfohlen", r"(?:unsere )?empfehlungen(?: der redaktion)?",
        r"meist ?gelesen(?:e artikel)?", r"top-?themen", r"topmeldungen", r"aktuelle (?:news|nachrichten|beiträge|artikel)",
        r"neueste (?:artikel|beiträge|nachrichten)", r"beliebte (?:artikel|beiträge)", r"über (?:den autor|die autorin|uns)",
        r"zur person", r"weiterführende (?:links|informationen|artikel)", r"links zum thema", r"mehr lesen über",
        r"mehr (?:aus|zu|von|über) (?:\w+\s*){1,4}", r"auch spannend", r"noch mehr (?:\w+\s*){0,3}",
    ),
    "fr": (
        r"(?:à )?lire aussi", r"(?:à )?voir aussi", r"sur le même sujet", r"à découvrir(?: aussi)?",
        r"articles? (?:similaires|liés|associés|connexes|recommandés)", r"dans la même rubrique",
        r"les plus (?:lus|populaires|partagés)", r"pour aller plus loin", r"pour approfondir", r"(?:autres|derniers) articles",
        r"vous (?:aimerez|pourriez aimer) aussi", r"à propos de l[’']auteur", r"ces articles peuvent vous intéresser",
        r"(?:nos )?dernières (?:actualités|actus|infos)", r"sur le même thème",
    ),
    "es": (
        r"le[ea] también", r"leer más", r"(?:noticias|artículos|notas) relacionad[ao]s", r"(?:también )?te puede interesar",
        r"te recomendamos", r"otras noticias", r"más noticias", r"lo más (?:leído|visto)", r"(?:las )?más leídas",
        r"últimas noticias", r"sobre el autor", r"puedes ver", r"mira también", r"ver también", r"quizás te interese",
        r"relacionad[ao]s", r"recomendad[ao]s",
    ),
    "pt": (
        r"leia (?:também|mais)", r"veja (?:também|mais)", r"saiba mais", r"(?:notícias|artigos|matérias) relacionad[ao]s",
        r"mais lid[ao]s", r"últimas notícias", r"sobre o autor", r"você também pode gostar", r"recomendad[ao]s para você",
    ),
    "it": (
        r"leggi anche", r"articoli correlati", r"(?:ti )?potrebbe(?:ro)? (?:anche )?interessarti", r"i più letti",
        r"ultime notizie", r"altri articoli", r"sull[’']autore", r"vedi anche", r"correlati", r"potrebbe interessarti anche",
    ),
    "nl": (
        r"lees (?:ook|meer)", r"meer nieuws", r"gerelateerde? (?:artikelen|berichten|nieuws)", r"meest gelezen",
        r"laatste nieuws", r"over de auteur", r"bekijk ook", r"dit vind je misschien ook leuk",
    ),
    "pl": (
        r"czytaj (?:też|także|więcej)", r"zobacz (?:też|także|również)", r"przeczytaj (?:też|także|również)", r"polecamy",
        r"najczęściej czytane", r"najnowsze(?: artykuły| wiadomości)?", r"(?:powiązane|podobne) (?:artykuły|wpisy|tematy)",
        r"o autorze", r"może cię (?:też |także )?zainteresować", r"najpopularniejsze",
    ),
    "ru": (
        r"читайте (?:также|еще|ещё)", r"смотрите также", r"см\. также", r"по теме", r"похожие (?:статьи|новости|материалы)",
        r"другие новости", r"самое (?:читаемое|популярное)", r"последние новости", r"об авторе", r"читать также",
    ),
    "other": (
        r"läs (?:också|mer)", r"relaterat", r"læs (?:også|mere)", r"relaterte artikler", r"čtěte (?:také|též)",
        r"související články", r"ilgili haberler",
    ),
}

# Headers (or whole lines) of a reader-comment thread or comment form: nothing after
# them is the article.
COMMENT_HEADERS: dict[str, tuple[str, ...]] = {
    "en": (
        r"(?:\d+\s+)?(?:comments?|responses?|replies|reactions)(?: to\b.*)?", r"leave a (?:comment|reply)(?: cancel reply)?",
        r"post a comment", r"add a comment", r"write a comment", r"join the (?:conversation|discussion)", r"discussion",
        r"comments? are closed", r"no comments(?: yet)?", r"be the first to comment", r"(?:\w+\s+){0,2}comments",
    ),
    "de": (
        r"(?:\d+\s+)?(?:leser)?kommentare?", r"kommentar (?:schreiben|verfassen|hinterlassen|abgeben)(?: antwort(?:en)? abbrechen)?",
        r"schreibe(?:n sie)? einen kommentar(?: antwort(?:en)? abbrechen)?", r"hinterlasse(?:n sie)? (?:einen kommentar|eine antwort)",
        r"(?:es gibt )?(?:noch )?keine kommentare(?: vorhanden)?", r"diskutieren sie mit", r"(?:\w+\s+){0,2}kommentare",
        r"antwort hinterlassen",
    ),
    "fr": (
        r"(?:\d+\s+)?(?:commentaires?|réactions?)", r"laisser un commentaire", r"laisser une réponse", r"ajouter un commentaire",
        r"(?:aucun|pas de) commentaire", r"(?:\w+\s+){0,2}commentaires", r"réagir",
    ),
    "es": (
        r"(?:\d+\s+)?comentarios?", r"deja (?:un comentario|una respuesta)", r"dejar un comentario", r"escribe un comentario",
        r"(?:no hay|sin) comentarios", r"(?:\w+\s+){0,2}comentarios",
    ),
    "pt": (r"(?:\d+\s+)?comentários?", r"deixe (?:um comentário|uma resposta)", r"(?:\w+\s+){0,2}comentários"),
    "it": (r"(?:\d+\s+)?commenti", r"lascia (?:un commento|una risposta)", r"(?:\w+\s+){0,2}commenti"),
    "nl": (r"(?:\d+\s+)?reacties?", r"laat een reactie achter", r"geef een reactie"),
    "pl": (r"(?:\d+\s+)?komentarz[ey]?", r"dodaj komentarz", r"zostaw komentarz", r"skomentuj"),
    "ru": (r"(?:\d+\s+)?комментари[йия]", r"оставить комментарий", r"добавить комментарий"),
}

# A lead-in that introduces a link to another story ("Read more: Title", "Lesen Sie
# auch: ...", "Zobacz także: ..."): the lead, then a separator.
LINK_LEADS: dict[str, tuple[str, ...]] = {
    "en": (r"read (?:more|also|next)", r"also read", r"see also", r"related", r"more", r"watch", r"listen",
           r"don[’']?t miss", r"recommended", r"read"),
    "de": (r"lesen sie (?:auch|mehr|hier)", r"mehr (?:dazu|zum thema)", r"auch interessant", r"siehe auch", r"weiterlesen",
           r"lies auch", r"mehr lesen"),
    "fr": (r"(?:à )?lire aussi", r"à lire", r"voir aussi", r"à voir", r"sur le même sujet"),
    "es": (r"le[ea] (?:también|más)", r"lea", r"mire", r"puedes ver", r"ver también", r"te puede interesar", r"mira"),
    "pt": (r"leia (?:também|mais)", r"veja (?:também|mais)", r"saiba mais"),
    "it": (r"leggi anche", r"vedi anche"),
    "nl": (r"lees (?:ook|meer)", r"bekijk ook"),
    "pl": (r"czytaj (?:też|także|więcej)", r"zobacz (?:też|także|również)", r"przeczytaj (?:też|także|również)"),
    "ru": (r"читайте (?:также|еще|ещё)", r"смотрите также"),
}
# Pagination between stories: a line that starts like this is a link, separator or not.
NEXT_PREVIOUS = (
    r"(?:next|previous|older|newer) (?:article|post|story|entry)", r"(?:nächste[rs]?|vorherige[rs]?) (?:artikel|beitrag|seite)",
    r"article (?:suivant|précédent)", r"(?:artículo|nota) (?:siguiente|anterior)", r"(?:próximo|anterior) artigo",
    r"articolo (?:successivo|precedente)", r"(?:następny|poprzedni) (?:artykuł|wpis)",
)

# A consent banner: cookies with what the page does with them (a recipe's cookies go free).
COOKIE_NOTICE = (
    r"\b(?:uses?|using|accept|verwende\w*|nutz\w*|setz\w*|akzeptier\w*|utilis\w+|acepta\w*|usa(?:mos)?|utilizza\w*)\b.{0,60}\bcookies?\b",
    r"\bcookies?\b.{0,80}\b(?:policy|richtlinie|settings|einstellungen|zustimm\w*|akzeptier\w*|accept\w*|consent|"
    r"preferences|politique|política|paramètres|configuración)\b",
)

# Calls to action and page chrome.  Searched anywhere in a line of at most 14 words.
CALLS: dict[str, tuple[str, ...]] = {
    "en": (
        r"^share\b", r"\bshare (?:this|post|article|story|on)\b", r"\bsharing is caring", r"\bsign (?:up|in)\b",
        r"\blog ?in\b", r"\bsubscri(?:be|bed|ption)\b", r"\bnewsletter\b", r"\bfollow us\b", r"\bfollow @",
        r"\bclick here\b", r"\bdownload (?:our|the) app\b", r"\bback to (?:top|overview|home)\b", r"\bskip to (?:main )?content\b",
        r"\bprint (?:this|article)\b", r"\bemail (?:this|article)\b", r"\badvertisement\b", r"^ad$",
        r"\ball rights reserved\b", r"©", r"\bcopyright\b", r"\bprivacy policy\b", r"\bterms (?:of|and) (?:use|service|conditions)\b",
        *COOKIE_NOTICE, r"\bjavascript\b", r"\bloading\b\W*$", r"please enter your", r"enter your (?:comment|name|email)",
        r"your email address will not be published", r"required fields are marked", r"save my name", r"notify me",
        r"cancel reply", r"you must be logged in", r"\bcomment data is processed\b", r"\breport (?:this|abuse)\b",
        r"\bshow (?:more|less)\b", r"\bload more\b", r"\bview (?:all|more|comments)\b", r"\bsee (?:all|more)\b",
        r"\btags?:", r"^tagged(?: with)?\b", r"^(?:posted|filed) (?:in|under)\b", r"^categor(?:y|ies):",
        r"\bphoto(?:graph)?s?:", r"\bphotos? by\b", r"\bimage(?: credit| source)?:", r"\bcredits?:", r"\bgetty images\b",
        r"\bshutterstock\b", r"\bsupport us\b", r"\bremember me\b", r"forgot (?:your )?password", r"\bdonate\b", r"^(?:previous|next)$", r"^source:",
    ),
    "de": (
        r"^teilen\b", r"\b(?:artikel|beitrag|news|seite|jetzt|diesen artikel) teilen\b", r"^anzeige$", r"^\W?werbung\W?$",
        r"\balle rechte vorbehalten\b", r"\bdatenschutz", r"\bimpressum\b", r"\bnewsletter", r"\babonnieren\b",
        r"e-mail-adresse wird nicht veröffentlicht", r"pflichtfelder sind", r"in diesem browser speichern",
        r"\bschlagw(?:ö|o)rte?r?\b", r"\bstichw(?:ö|o)rte?r?:", r"^themen:", r"\bthemen:", r"^kategorien?:", r"getaggt mit",
        r"gekennzeichnet mit", r"^veröffentlicht in\b", r"^(?:fotos?|bild|bilder|titelbild|beitragsbild|bildquelle|quelle|abbildung(?: \d+)?):",
        r"\((?:fotos?|bild|quelle):", r"\bjetzt (?:registrieren|anmelden|abonnieren|spenden|bestellen|kaufen)\b",
        r"\bunterstützen sie (?:uns|unsere|diese)\b", r"^zurück(?: zur übersicht| zur startseite| nach oben)?$",
        r"^zur startseite$", r"^(?:weiter|vorherige[rs]?|nächste[rs]?)(?: seite| artikel| beitrag)?\W*$", r"^drucken$",
        r"alle angaben ohne gewähr", r"^mehr erfahren\b", r"\bvervielfältigung nur mit\b", r"angemeldet bleiben",
        r"passwort vergessen", r"\bjetzt (?:\w+ ){0,4}(?:anmelden|registrieren|abonnieren|bestellen|spenden|herunterladen)\b",
        r"\(?wird (?:benötigt|nicht veröffentlicht)", r"in den kommentaren",
    ),
    "fr": (
        r"^partager\b", r"\bpartager (?:cet|l[’'])article\b", r"^publicité$", r"\btous droits réservés\b", r"\bmentions légales\b",
        r"adresse (?:e-mail|de messagerie) ne sera pas publiée", r"champs obligatoires", r"dans ce navigateur",
        r"\babonnez-vous\b", r"\binscrivez-vous\b", r"^(?:étiquettes|mots-clés|catégories|tags)\s?:", r"^crédits? photo",
        r"\bsuivez-nous\b", r"^imprimer$",
    ),
    "es": (
        r"^compartir\b", r"^publicidad$", r"\btodos los derechos\b", r"correo electrónico no será publicad",
        r"campos obligatorios", r"\bsuscr[ií]bete\b", r"^(?:etiquetas|categorías|temas)\s?:", r"\((?:foto|crédito|imagen):",
        r"^(?:foto|imagen|crédito)s?:", r"\bsíguenos\b", r"^imprimir$",
    ),
    "pt": (r"^compartilh[ae]\b", r"\bassine\b", r"^(?:tags|categorias)\s?:", r"\(crédito:", r"^crédito:", r"\bsiga-nos\b"),
    "it": (r"^condividi\b", r"\biscriviti\b", r"^(?:tag|categorie)\s?:", r"\bseguici\b", r"^stampa$"),
    "nl": (r"^delen\b", r"\bschrijf je in\b", r"\bvolg ons\b"),
    "pl": (r"^udostępnij\b", r"^(?:fot\.|zdjęcie:)", r"\bzapisz się\b", r"^tagi:", r"^drukuj$", r"\bsubskrypcj"),
    "ru": (r"^поделиться\b", r"\bподписаться\b", r"^фото:", r"^(?:теги|метки|рубрика):"),
}

# A photo credit closing a caption ("... am Hafen. Foto: dpa", "... (Photo: AP)"): the
# whole line is the caption, furniture up to 40 words.
CREDITS = (
    r"[.!?]\s+(?:fotos?|bild|photo|image|crédito|credit|imagen|fot\.|quelle|source)\s*:\s*\S",
    r"\((?:fotos?|bild|photo|quelle|source|crédito|credit|imagen|fot\.)\s*:[^)]*\)\s*$",
    r"^(?:fotos?|bild|photo|image|abbildung|crédito|imagen|fot\.)(?: \d+)?\s*:",
)

# Notices that come as whole sentences and are furniture whatever their length (up to
# 60 words): consent, licences, newsletter sign-ups, affiliate disclosures, comment-form
# legalese.
NOTICES: dict[str, tuple[str, ...]] = {
    "en": (
        *COOKIE_NOTICE, r"\ball rights reserved\b", r"©", r"\bcopyright\b\s*(?:©|\(c\)|\d{4})",
        r"\bjavascript\b.{0,60}\b(?:enable|disabled|turned off|aktivier|deaktiviert|activ|browser)",
        r"\b(?:enable|aktivieren sie)\b.{0,30}\bjavascript",
        r"\bcreative commons\b.{0,80}\b(?:lizenz|licen[cs]|licencia)", r"\b(?:lizenz|licen[cs]e[ds]?|licence)\b.{0,60}\bcreative commons\b",
        r"\bcc[ -]by(?:-[a-z]{2})*\b",
        r"\bnewsletters?\b.{0,80}\b(?:inbox|sign up|subscribe|delivered)\b",
        r"\b(?:sign up|subscribe)\b.{0,80}\b(?:newsletters?|inbox|email)\b",
        r"\bwe may (?:earn|receive) (?:a )?(?:commission|compensation)", r"\baffiliate links?\b",
        r"\bprivacy policy\b", r"\byour email address will not be published\b", r"\bakismet\b",
        r"\b(?:to|in) (?:your|their) inbox(?:es)?\b", r"\bemail address\b.{0,60}\b(?:subscribe|notifications|receive)",
        r"\bsubscribe to (?:this|our) (?:blog|newsletter|channel|podcast)", r"\balready a subscriber\b",
        r"\b(?:support|supporting) (?:our|independent|quality) (?:work|journalism|reporting)\b",
        r"\bthis (?:entry|post) was posted in\b", r"\bbookmark the permalink\b",
    ),
    "de": (
        r"\balle rechte vorbehalten\b", r"\bnewsletter\b.{0,80}\b(?:abonnieren|anmelden|bestellen|postfach|mailbox|erhalten)\b",
        r"\b(?:abonnieren|anmelden)\b.{0,60}\bnewsletter", r"\bdatenschutz(?:erklärung|bestimmungen|hinweise)\b",
        r"\b(?:eine|erhalten|erhält)\b.{0,40}\bprovision\b", r"\bkommentardaten\b", r"e-mail-adresse wird nicht veröffentlicht",
        r"\b(?:dein|ihr|euer) (?:e-mail-)?(?:postfach|posteingang)\b", r"\be-mail-adresse\b.{0,60}\b(?:abonnieren|eingeben|erhalten)",
        r"\bdiesen blog\b.{0,30}\babonnieren\b", r"\bunterstützen sie\b.{0,40}\b(?:journalismus|arbeit|uns)\b",
        r"\bunsere (?:unabhängige )?berichterstattung\b", r"\bgekennzeichnet mit\b", r"\bgetaggt mit\b",
        r"\bdieser (?:beitrag|eintrag) wurde\b.{0,60}\b(?:veröffentlicht|abgelegt)", r"\blesezeichen\b.{0,20}\bpermalink",
    ),
    "fr": (r"\btous droits réservés\b", r"\bnewsletter\b.{0,80}\b(?:inscri|abonn)"),
    "es": (r"\btodos los derechos\b", r"\bnewsletter\b.{0,80}\bsuscr", r"\bboletín\b.{0,80}\bsuscr"),
    "pt": (r"\btodos os direitos\b",),
    "it": (r"\btutti i diritti riservati\b",),
    "pl": (r"\bwszelkie prawa zastrzeżone\b", r"\bsubskrypcj"),
    "ru": (r"\bвсе права защищены\b",),
}


def alternation(table: dict[str, tuple[str, ...]] | tuple[str, ...]) -> str:
    """One regular-expression alternation of every phrase in ``table``."""
    phrases = [p for ps in table.values() for p in ps] if isinstance(table, dict) else list(table)
    return "|".join(f"(?:{p})" for p in phrases)


# --- HTML blocks ------------------------------------------------------------------------------
# The lists ``prose`` judges HTML blocks with (``region`` uses two of them).  Shorter than the
# plain-text tables above and matched differently (a whole short block, not a line), so kept
# apart; compiled case-insensitively by ``prose``.

# Short lines that are page chrome in any article body.  Kept deliberately generic and
# multilingual-light: they must never match a sentence of prose (checked by length).
BLOCK_BOILERPLATE = (
    r"^\W{0,3}(?:advertisement|advertising|anzeige|werbung|publicité|sponsored|share( this( article| story)?)?|"
    r"tweet|email|print|comments?|read more|read next|more:|related:?|see also|also read|you may also like|"
    r"click here|sign up|subscribe|follow us|image:|photo:|foto:|bild:|credit:|picture:|getty images|"
    r"all rights reserved|copyright|loading|skip to|continue reading( below)?|story continues below|"
    r"scroll to continue|lesen sie auch|mehr zum thema|weitere (themen|artikel|informationen|beiträge)|"
    r"das könnte|schon gelesen|auch interessant|zobacz (też|także)|czytaj (też|także|więcej)|veja também|"
    r"leia (também|mais)|lire aussi|à lire aussi|voir aussi|ver también|lee también|te puede interesar|"
    r"leggi anche|externer inhalt|rezept drucken|kontakt|impressum|war (der|dieser) artikel|quelle:|"
    r"quellenangaben|abbildung \d|be sociable)\b|^\W{0,3}©"
)
# Consent banners read like prose; their vocabulary gives them away (compiled with re.S too).
BLOCK_COOKIE_NOTICE = (
    r"\b(?:uses?|using|accept|verwendet|nutzt|akzeptier\w*|utilis\w+|acepta\w*|usa(?:mos)?)\b.{0,60}\bcookies?\b"
    r"|\bcookies?\b.{0,80}\b(?:policy|richtlinie|settings|einstellungen|zustimm\w*|akzeptier\w*|accept\w*)\b"
)
# Sign-up forms explain how to leave the list; articles rarely do (compiled with re.S too).
BLOCK_MAILING_NOTICE = (
    r"\b(?:unsubscribe|opt[- ]out at any time|désabonner|désinscri\w*|se désinscrire|abmelden|abbestellen|"
    r"darse de baja|cancelar (?:la|su) suscripción|disiscriver\w*|liste de diffusion|mailing list)\b"
    # 'Enter your email address to follow this blog', 'Gib deine E-Mail-Adresse ein, um … zu folgen'
    r"|\b(?:e-?mail[- ]?(?:adresse|address)|adresse (?:e-?mail|électronique)|correo electrónico)\b"
    r".{0,80}\b(?:folgen|follow|abonn\w*|subscri\w*|suscri\w*|benachrichtigung\w*|notifications?|recevoir)\b"
    # the site's licence line
    r"|\bcreative commons\b.{0,60}\b(?:licen[cs]\w*|lizen\w*)\b|\b(?:licensed under|lizenziert unter|sous licence)\b"
)
# A closing line that asks the reader to do something: subscribe, follow, share.
BLOCK_CALL_TO_ACTION = (
    r"\b(subscribe|newsletters?|sign up|follow (us|@|the)|on (facebook|twitter|instagram)|download (our|the) app|"
    r"click here|contributed to this report|originally (published|appeared)|all rights reserved|"
    r"abonnieren|newsletter|suivez-nous|inscrivez-vous)\b"
)
# Necessary conditions for the two notices, tested on the lower-cased text before the regexes
# run (most blocks contain none of these words): every match of BLOCK_COOKIE_NOTICE contains
# BLOCK_COOKIE_WORD, every match of BLOCK_MAILING_NOTICE one of BLOCK_MAILING_WORDS.
BLOCK_COOKIE_WORD = "cookie"
BLOCK_MAILING_WORDS = (
    "unsubscribe", "out at any time", "désabonner", "désinscri", "abmelden", "abbestellen", "darse de baja",
    "suscripción", "disiscriver", "liste de diffusion", "mailing list", "mail", "adresse", "correo electrónico",
    "creative commons", "licensed under", "lizenziert unter", "sous licence",
)


def compile_whole_line(table: dict[str, tuple[str, ...]] | tuple[str, ...]) -> re.Pattern[str]:
    """A pattern matching a line that is one of the phrases, with trailing ':' or an arrow."""
    return re.compile(rf"^\W{{0,2}}(?:{alternation(table)})\s*[:.!»›>…]*\s*$", re.I)


def compile_search(table: dict[str, tuple[str, ...]] | tuple[str, ...]) -> re.Pattern[str]:
    """A pattern finding any of the phrases anywhere in a line."""
    return re.compile(alternation(table), re.I)


_LITERAL = re.compile(r"[^\W\d_]{3,}|©")


def _top_level(pattern: str) -> str:
    """The parts of ``pattern`` outside groups, classes and escapes, with optional
    items (a letter before ``?`` or ``*``) cut out: what every match must contain."""
    out, depth, k = [], 0, 0
    while k < len(pattern):
        c = pattern[k]
        if c == "\\":
            out.append(" ")
            k += 2
            continue
        if c == "[" and depth == 0:
            end = pattern.find("]", k + 2)
            out.append(" ")
            k = end + 1 if end > 0 else len(pattern)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            out.append(" ")
        elif depth == 0:
            if c in "?*{" and out:
                out[-1] = " "  # the item before is optional
            out.append(c if c.isalpha() or c == "©" else " ")
        k += 1
    return "".join(out)


def hint(pattern: str) -> str | None:
    """A lowercase literal every match of ``pattern`` contains (the longest one outside
    groups), or None when there is none.  Lets a caller skip the full regex on most lines."""
    if "|" in _top_level_bars(pattern):
        return None
    runs = _LITERAL.findall(_top_level(pattern))
    return max(runs, key=len).lower() if runs else None


def _top_level_bars(pattern: str) -> str:
    depth, bars, k = 0, [], 0
    while k < len(pattern):
        c = pattern[k]
        if c == "\\":
            k += 2
            continue
        depth += c == "("
        depth -= c == ")"
        if c == "|" and depth == 0:
            bars.append(c)
        k += 1
    return "".join(bars)


class Finder:
    """``search(line)`` for any phrase of a table, fast on lines that hold none: the
    phrases that carry a literal are tried only when one of those literals is in the
    (lowercased) line."""

    def __init__(self, table: dict[str, tuple[str, ...]] | tuple[str, ...]) -> None:
        phrases = [p for ps in table.values() for p in ps] if isinstance(table, dict) else list(table)
        hinted = [(hint(p), p) for p in phrases]
        self.hints = tuple(sorted({h for h, _ in hinted if h}))
        self._hinted = re.compile(alternation(tuple(p for h, p in hinted if h)), re.I)
        rest = tuple(p for h, p in hinted if not h)
        # (phrases anchored at the start need only be tried there)
        starts = tuple(p for p in rest if p.startswith("^"))
        anywhere = tuple(p for p in rest if not p.startswith("^"))
        self._starts = re.compile(alternation(starts), re.I) if starts else None
        self._anywhere = re.compile(alternation(anywhere), re.I) if anywhere else None

    def search(self, s: str) -> re.Match[str] | None:
        low = s.lower()
        if any(map(low.__contains__, self.hints)):  # the generator cost more than the tests
            m = self._hinted.search(s)
            if m:
                return m
        m = self._starts.match(s) if self._starts else None
        if m is None and self._anywhere is not None:
            m = self._anywhere.search(s)
        return m
