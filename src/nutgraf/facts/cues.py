"""The words that introduce reported speech, and the quotation marks of the languages news uses.

A cue is a verb (by lemma) whose subject is the speaker and whose clausal complement
(``ccomp``; ``xcomp`` for the promising verbs) is what was said.  'according to X' is the
one prepositional cue.  Verbs of belief and perception (think, believe, show, find) are not
cues: they attribute a state of mind or evidence, not speech.
"""

from __future__ import annotations

# Verbs that report speech or writing, with a clause (or a quotation) as what was said.
SPEECH_VERBS = frozenset({
    "say", "tell", "add", "claim", "announce", "state", "report", "write", "ask", "insist",
    "argue", "explain", "note", "declare", "warn", "suggest", "confirm", "deny", "pledge",
    "promise", "vow", "acknowledge", "admit", "reply", "respond", "answer", "tweet", "post",
    "predict", "estimate", "recall", "stress", "emphasize", "emphasise", "mention", "assert",
    "contend", "maintain", "allege", "charge", "complain", "concede", "comment", "remark",
    "observe", "boast", "joke", "quip", "exclaim", "shout", "scream", "whisper", "testify",
    "reiterate", "repeat", "conclude", "reveal", "disclose", "indicate", "hint", "signal",
    "point", "counter", "retort", "caution", "advise", "urge", "demand", "propose",
    "recommend", "threaten", "assure", "reassure", "inform", "brief", "agree", "disagree",
    "speculate", "predict", "forecast", "guarantee", "swear", "proclaim", "affirm",
    "underline", "underscore", "highlight", "lament", "protest", "object", "muse", "wonder",
    "continue", "begin", "chant", "sing", "text", "email", "accuse", "criticize",
    "criticise", "blast", "slam", "praise", "brand", "condemn", "dismiss", "reject",
    "defend", "attack", "question", "welcome", "call", "label", "describe", "dub",
    "term", "liken", "compare", "rule", "concur", "clarify",
    "elaborate", "recount", "relate", "report", "confide", "contend", "posit", "assert",
    "volunteer", "mutter", "murmur", "shrug", "sigh", "laugh", "smile", "scoff", "read",
    "confess", "bemoan", "tout", "echo", "thank", "blame", "cite", "interrupt", "speak",
    "talk", "refer", "rail", "lash", "joke", "boast", "fret", "vent", "gripe", "shoot",
})

# Verbs that report speech only when a quotation is their complement ('"...," he continued'),
# never with a plain clause ('the rally continued').
QUOTE_ONLY = frozenset({
    "continue", "begin", "chant", "sing", "shrug", "sigh", "laugh", "smile", "scoff",
    "mutter", "murmur", "volunteer", "muse", "wonder", "text", "email", "post", "read",
})

# Verbs that take their content as an infinitive: 'pledged not to ...', 'urged X to ...'.
XCOMP_VERBS = frozenset({
    "pledge", "promise", "vow", "threaten", "urge", "ask", "tell", "warn", "advise", "order",
    "demand", "propose", "swear", "guarantee", "recommend",
})

# Verbs whose content is an object with its description: 'X branded Y a "disgrace"'.
NAMING_VERBS = frozenset({"brand", "call", "label", "describe", "dub", "term", "liken"})

# Verbs whose object can name what was said: 'announced new restrictions', 'denied the
# allegations', 'proposed a tax'.
DOBJ_VERBS = frozenset({
    "announce", "propose", "demand", "deny", "confirm", "mention", "reveal", "disclose",
    "repeat", "reiterate", "predict", "promise", "pledge", "vow", "recommend", "claim",
    "criticize", "criticise", "praise", "condemn", "dismiss", "reject", "acknowledge",
    "admit", "describe", "defend", "blast", "slam", "attack", "question", "urge", "welcome",
    "accuse", "blame", "thank", "note", "recall", "cite", "echo", "stress", "emphasize",
    "emphasise", "highlight", "tout", "bemoan", "lament", "tweet", "confess", "mock",
})

# Prepositions after a DOBJ verb's object that belong to what was said: 'accused X of …',
# 'criticized X for …', 'praised X as …'.
OBJECT_PREPS = frozenset({"of", "for", "as"})

# Verbs that cue speech only with these particles/prepositions: 'pointed out', 'called for'.
PARTICLE_CUES = {
    "point": {"out", "to"}, "call": {"for", "on", "upon"}, "speak": {"about", "of", "out"},
    "talk": {"about", "of"}, "write": {"about", "of"}, "joke": {"about"},
    "boast": {"about", "of"}, "complain": {"about", "of"}, "comment": {"on"},
    "warn": {"of", "about", "against"}, "caution": {"against"}, "agree": {"with"},
    "refer": {"to"}, "rail": {"against"}, "lash": {"out"}, "testify": {"about"},
    "tweet": {"about"}, "fret": {"about", "over"}, "ask": {"about", "for"}, "shoot": {"back"},
}
# Of those, the verbs that are a cue only with the particle ('talked about …', never
# 'talked').
PARTICLE_ONLY = frozenset({"point", "speak", "talk", "refer", "rail", "lash", "shoot"})

# Nouns that show a speaker is a role, resolved to the person who holds it in the article.
PRONOUNS = frozenset({"he", "she", "they", "it", "him", "her", "them", "we", "i", "you"})
FIRST_PERSON = frozenset({"i", "we", "me", "us"})

# Quotation marks: opener -> the closers it accepts.
DOUBLE_OPEN = {"“": "”\"", "„": "“”", "«": "»", "»": "«", "\"": "\"”“", "‟": "”"}
SINGLE_OPEN = {"‘": "’'", "'": "'’", "‚": "‘’", "‹": "›"}
# Elisions that start with an apostrophe: 'em, '90s, 'til, rock 'n' roll.
ELISIONS = frozenset({"em", "til", "tis", "twas", "cause", "n", "bout", "round", "s"})
