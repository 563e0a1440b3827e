"""Prompt injection and jailbreaks, found by rules (the lite tier: no model, no network).

Seven families of named patterns, the wording of each written out per language (en, fr, de, es,
pt, it) where languages differ:

- ``override``: "ignore all previous instructions" and its paraphrases;
- ``persona``: DAN-style personas, "developer mode", "an AI without restrictions" (jailbreak);
- ``prompt_extraction``: "repeat your system prompt", "print everything above";
- ``chat_template``: fake role turns and special tokens (``<|im_start|>system``, ``[INST]``);
- ``context_break``: "END OF TEXT" followed by new instructions;
- ``many_shot``: a long fake dialogue inside one message (jailbreak);
- ``addressed_to_ai``: "note to the AI: ..." inside a document, weighed higher on the
  ``retrieved`` and ``tool_call`` surfaces, where nobody should be talking to the model.

Every normalizer view is scanned (plus a leetspeak-folded copy of the main view), so text spread
out, split by zero-width characters, written with look-alikes, leetspeak or base64/hex/rot13
reads like plain text; a hit found only that way scores higher, since hiding is itself a signal.
Scores are fixed per rule and surface; Python then checks what RE2 cannot (a retraction of one's
own words, what follows an end marker, a phrase quoted or cited in a text about attacks) and
lets distinct rules firing at different places corroborate each other (noisy-or).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import islice, pairwise

from seawall.detectors.base import Context, Detector, DetectorParams, Finding
from seawall.models.linear import load_shipped
from seawall.text.normalize import View
from seawall.text.patterns import PatternSet

# --- pattern building blocks ---------------------------------------------------------------

# What may sit between two words; apostrophes split "l'IA", slashes "warnings/disclaimers".
_SEP_CHARS = r"\s,:;\"'“”‘’«»*/\-"
_SEP = f"[{_SEP_CHARS}]+"
# A word inside a gap. A negated ASCII class, not \pL: RE2 keeps its automaton small, and a
# Unicode letter class in many gaps makes every match cost milliseconds. Sentence punctuation
# ends a gap, so a pattern never straddles two sentences.
_WORD = rf"[^{_SEP_CHARS}.!?()\[\]{{}}<>|]+"


def _gap(n: int) -> str:
    """Up to ``n`` arbitrary words, each with the separators after it."""
    return f"(?:{_WORD}{_SEP}){{0,{n}}}"


def _split(phrases: str) -> list[str]:
    """Split ``"a|b (?:c|d)"`` at the top-level bars only."""
    parts, depth, start, escaped = [], 0, 0, False
    for i, char in enumerate(phrases):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(phrases[start:i])
            start = i + 1
    parts.append(phrases[start:])
    return parts


def _alt(*groups: str) -> str:
    """An alternation of the phrases in ``groups`` (each a ``|``-separated list).

    A space in a phrase matches any whitespace run. Phrases that start or end with an ASCII
    letter get a word boundary there (RE2's ``\\b`` is ASCII-only, so "übergehe" goes without).
    """
    bodies = []
    for phrase in (p for group in groups for p in _split(group)):
        body = phrase.replace(" ", r"\s+")
        if phrase[0].isascii() and phrase[0].isalpha():
            body = r"\b" + body
        last = phrase.rstrip("?")[-1]
        if last.isascii() and last.isalpha():
            body += r"\b"
        bodies.append(body)
    return "(?:" + "|".join(bodies) + ")"


def _seq(*parts: str) -> str:
    """Parts in order with word separators between them."""
    return _SEP.join(parts)


# --- families and rules --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Family:
    category: str
    title: str
    indirect_bonus: float  # added to every rule's score on the retrieved / tool_call surfaces


FAMILIES: dict[str, _Family] = {
    "override": _Family("prompt_injection", "instruction override", 0.05),
    "persona": _Family("jailbreak", "jailbreak persona or framing", 0.0),
    "prompt_extraction": _Family("prompt_injection", "system-prompt extraction", 0.0),
    "chat_template": _Family("prompt_injection", "fake chat-template role turn", 0.05),
    "context_break": _Family("prompt_injection", "fake end of context", 0.15),
    "many_shot": _Family("jailbreak", "many-shot fake dialogue", 0.0),
    "addressed_to_ai": _Family("prompt_injection", "instruction addressed to the AI", 0.0),
}
LANGUAGES = ("en", "fr", "de", "es", "pt", "it")


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: rules are dict keys per hit
class _Rule:
    family: str
    name: str
    pattern: str
    score: float
    indirect_score: float  # the score on the retrieved / tool_call surfaces


# A rule table entry: (pattern, score) or (pattern, score, score on indirect surfaces).
_Entry = tuple[str, float] | tuple[str, float, float]


def _rules(family: str, table: dict[str, _Entry]) -> list[_Rule]:
    bonus = FAMILIES[family].indirect_bonus
    rules = []
    for name, entry in table.items():
        indirect = entry[2] if len(entry) == 3 else min(0.99, entry[1] + bonus)
        rules.append(_Rule(family, name, entry[0], entry[1], indirect))
    return rules


# --- override --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _OverrideWords:
    """How one language says "ignore the previous instructions" and its paraphrases."""

    verbs: str  # ignore, disregard, forget ...
    before: str  # qualifiers placed before the noun: previous, your ...
    nouns: str  # instructions, rules ...
    after: str  # qualifiers placed after the noun: above, précédentes ...
    every: str  # all, any ...
    everything: str  # what "forget" takes alone: everything before, tout ce qui précède ...
    the_above: str  # "the above", "ce qui précède" as the object of "ignore"
    all_of_it: str  # "everything" said alone, as in "forget everything, write ..."
    and_then: str  # "and", "then": what follows "ignore the above" in the trick
    you_are_ai: str  # "that you are an AI", as in "forget that you are an AI"
    from_now_on: str
    from_now_on_you: str  # how the sentence continues: "you will", "tu vas" ...
    yours: str  # "your" for "your new instructions are"
    new: str
    assignments: str  # instructions, rules ... as in "your new instructions are"
    tasks: str  # task, mission, role: the same with words that workplace text also uses
    are: str
    new_follow: str  # "new instructions follow", "nun folgen neue Anweisungen"
    regardless: str  # "regardless of", "sans tenir compte de" ...


_OVERRIDE: dict[str, _OverrideWords] = {
    "en": _OverrideWords(
        verbs=(
            "ignore|ignoring|disregard|disregarding|forget|forgetting|neglect|dismiss|abandon|"
            "discard|overlook|set aside|put aside|throw out|"
            "pay no (?:attention|heed|mind) to|stop (?:following|obeying)|"
            "(?:do not|don['’]?t|never|no longer) (?:follow|obey|adhere to|comply with|listen to)"
        ),
        before=(
            "previous|previously (?:given|received|provided|stated)|prior|preceding|above|"
            "above-mentioned|aforementioned|earlier|former|foregoing|original|initial|old|past|"
            "(?:pre-?)?programmed|system|built-in|your|the assistant['’]?s"
        ),
        nouns=(
            "instructions?|prompts?|directives?|directions|guidelines|guidance|programming|"
            "commands|orders|rules|constraints|restrictions|training|system prompts?|"
            "system messages?|content polic(?:y|ies)|tasks?"
        ),
        after=(
            "above|before(?: this| now)?|so far|(?:that )?you (?:were|have been|got) given|"
            "you(?:['’]ve| have)? (?:received|got|been given)|given (?:to you|before|earlier)|"
            "from (?:before|earlier|your (?:developers?|creators?))"
        ),
        every="all|any|every|each",
        everything=(
            "everything (?:before|above|prior|previously|until now|so far|"
            "up to (?:now|this point))|"
            "(?:everything|all|anything) (?:that )?(?:you(?:['’]ve|['’]re| have| were| had)?|"
            "I(?:['’]ve| have)?|we(?:['’]ve| have)?) (?:been )?(?:told|taught|instructed|given|"
            "programmed|said|discussed|talked about)|"
            # "forget everything you know about bread" is an idiom; "... you know, and" is not
            "everything you(?:['’]ve| have)? (?:know|learned|learnt)"
            "(?:\\s*[,.!;:]|\\s*$|\\s+(?:and|then|now|before|so far|until now)\\b)|"
            "what you (?:were|have been) (?:told|taught|instructed)|"
            "all of (?:the|your) (?:above|previous|prior)"
        ),
        the_above=(
            "(?:the |all of the |everything )?(?:above|preceding|foregoing)|the previous|"
            "(?:all |any )?(?:text|content|words) (?:above|before this)"
        ),
        all_of_it="(?:about )?everything",
        and_then="and|then|but|now|instead",
        you_are_ai=(
            "(?:that )?you(?:['’]re| are) (?:an? |the )?(?:AI|assistant|AI assistant|chatbot|"
            "language model|LLM|bot|ChatGPT|Claude)"
        ),
        from_now_on=(
            "from now on|from this (?:point|moment) (?:on|onwards?|forward)|henceforth|"
            "starting (?:now|today|immediately)|for the rest of (?:this|our) conversation"
        ),
        from_now_on_you=(
            "you(?:['’]ll|['’]re)? (?:will|are going to|shall|must|should|are|have to|need to|"
            "only|always|never|act|respond|answer|going to)|"
            "(?:all |your |every )(?:replies|responses|answers|outputs|messages)"
        ),
        yours="your",
        new="new|real|actual|true|updated|only",
        assignments="instructions?|rules|directives?|programming|prompt|system prompt|orders?",
        tasks="tasks?|goal|objective|mission|purpose|job|role",
        are="is|are|will be|follows?",
        new_follow=(
            "(?:new|further|additional|different) (?:instructions|tasks|orders|directives) "
            "(?:follow|are following|are as follows)|(?:now|here) (?:come|comes|follow|follows) "
            "(?:the |some |your )?(?:new|further|additional) (?:instructions|tasks|orders)"
        ),
        regardless=(
            "regardless of|irrespective of|notwithstanding|in spite of|despite|"
            "without regard (?:to|for)"
        ),
    ),
    "fr": _OverrideWords(
        verbs=(
            "ignore|ignorez|ignorer|ignores|oublie|oubliez|oublier|néglige|négligez|contourne|"
            "contournez|outrepasse|outrepassez|passe outre|passez outre|"
            "ne (?:tiens|tenez) (?:plus |pas )?compte|(?:fais|faites) abstraction|"
            "ne (?:suis|suivez) (?:plus|pas)|n['’]\\s*(?:obéis|obéissez) (?:plus|pas)|"
            "désobéis|désobéissez"
        ),
        before="tes|vos|tous? (?:tes|vos|les)|anciennes|précédentes",
        nouns=(
            "instructions?|consignes?|règles|regles|directives?|ordres|indications|prompts?|"
            "commandes|contraintes|restrictions|tâches?"
        ),
        after=(
            "précédentes?|precedentes?|antérieures?|anterieures?|ci-dessus|plus haut|initiales?|"
            "d['’]\\s*origine|originales?|passées?|anciennes?|(?:du )?système|qui précèdent|"
            "données|reçues"
        ),
        every="toutes?|tous",
        everything=(
            "tout ce (?:qui précède|qui a été dit|qu['’]\\s*on t['’]\\s*a dit|que tu sais|"
            "que je t['’]\\s*ai dit)|"
            "tout ce qui (?:est|se trouve) (?:ci-dessus|au-dessus|plus haut)|"
            "tout (?:ce que|ce qu['’]\\s*)?(?:avant|auparavant|précédemment)"
        ),
        the_above=(
            "(?:tout )?ce qui précède|ce qui est (?:écrit )?(?:ci-dessus|au-dessus|plus haut)|"
            "le texte (?:ci-dessus|précédent)"
        ),
        all_of_it="tout",
        and_then="et|puis|mais|maintenant",
        you_are_ai=(
            "que (?:tu es|vous êtes) (?:une? )?(?:IA|intelligence artificielle|assistant|"
            "chatbot|modèle de langage)"
        ),
        from_now_on=(
            "à partir de maintenant|a partir de maintenant|dorénavant|désormais|"
            "à partir d['’]\\s*aujourd['’]\\s*hui"
        ),
        from_now_on_you=(
            "(?:tu|vous) (?:es|êtes|vas|allez|dois|devez|seras|serez|répondras|répondrez|agiras|"
            "agirez|ne)"
        ),
        yours="tes|vos|ta|votre",
        new="nouvelles?|nouveaux?|vraies?|véritables?",
        assignments="instructions?|consignes?|règles|directives?",
        tasks="tâches?|missions?|rôle",
        are="sont|est",
        new_follow=(
            "(?:voici|suivent|viennent) (?:de |les |tes |vos )?(?:nouvelles|autres) "
            "(?:instructions|consignes|tâches)"
        ),
        regardless="sans tenir compte (?:de|des)|indépendamment (?:de|des)|en dépit (?:de|des)",
    ),
    "de": _OverrideWords(
        verbs=(
            "ignorier(?:e|en|t|st)?|vergiss|vergesst|vergessen Sie|missachte|missachten Sie|"
            "übergehe|übergehen Sie|umgehe|umgehen Sie|verwirf|verwerfen Sie|"
            "befolge (?:nicht|keine)|beachte (?:nicht|keine)|hör(?:e)? nicht (?:mehr )?auf"
        ),
        before=(
            "vorherigen?|vorhergehenden?|vorangegangenen?|bisherigen?|obigen?|früheren?|vorigen?|"
            "ursprünglichen?|alten|anfänglichen?|erhaltenen?|gegebenen?|"
            "oben (?:genannten|stehenden)|obenstehenden?|deine[nr]?|Ihre[nr]?"
        ),
        nouns=(
            "Anweisungen|Anweisung|Instruktionen|Befehle|Regeln|Vorgaben|Aufträge|Auftrag|"
            "Anordnungen|Richtlinien|Aufgaben|Prompts?|Direktiven|Einschränkungen|"
            "Beschränkungen|System-?prompts?|Programmierung|Ausführungen|Angaben"
        ),
        after="von (?:vorhin|oben|zuvor|vorher)|davor|zuvor|bisher",
        every="alle|sämtliche|jegliche",
        everything=(
            "alles(?:,)? (?:was|davor|vorher|bisher|zuvor|oben|bis hierhin|bis jetzt)|"
            "alles (?:zuvor |vorher |bisher )?Gesagte|alles Bisherige"
        ),
        the_above="das Obige|Obiges|das Vorherige|die obigen (?:Angaben|Ausführungen)",
        all_of_it="alles",
        and_then="und|dann|aber|jetzt|nun",
        you_are_ai=(
            ",? dass (?:du|Sie) (?:eine? )?(?:KI|AI|künstliche Intelligenz|Assistent|Chatbot|"
            "Sprachmodell) (?:bist|sind)"
        ),
        from_now_on="ab (?:jetzt|sofort|nun|heute)|von nun an|von jetzt an|fortan",
        from_now_on_you=(
            "(?:bist|wirst|sollst|musst|antwortest|darfst|handelst|agierst|spielst|verhältst) "
            "(?:du|Sie)|(?:du|Sie) (?:bist|wirst|sollst|musst|antwortest)"
        ),
        yours="deine|Ihre",
        new="neuen?|eigentlichen?|wahren?|echten?",
        assignments="Anweisungen|Regeln|Befehle|Instruktionen|Vorgaben",
        tasks="Aufgaben?|Rolle|Mission",
        are="sind|ist|lautet|lauten",
        new_follow=(
            "(?:nun|jetzt|hier|es) (?:folgen|kommen) (?:die |deine |Ihre )?(?:neue|weitere) "
            "(?:Anweisungen|Aufgaben|Befehle|Instruktionen)|"
            "(?:neue|weitere) (?:Anweisungen|Aufgaben|Befehle) folgen"
        ),
        regardless="ungeachtet|unabhängig von|ohne Rücksicht auf|trotz|abweichend (?:zu|von)",
    ),
    "es": _OverrideWords(
        verbs=(
            "ignora|ignore|ignoren|ignorar|ignorad|olvida|olvide|olviden|olvidar|olvídate de|"
            "olvidate de|omite|omita|descarta|descarte|desatiende|haz caso omiso (?:a|de)|"
            "no hagas caso (?:a|de)|no sigas|deja de seguir|pasa por alto|anula|no obedezcas|"
            "desobedece"
        ),
        before="tus|sus|todas? (?:tus|sus|las)|antiguas",
        nouns=(
            "instrucciones|instrucción|instruccion|reglas|indicaciones|órdenes|ordenes|"
            "directrices|directivas|prompts?|comandos|restricciones|normas|pautas|consignas|tareas?"
        ),
        after=(
            "anteriores|previas|previos|precedentes|de arriba|anteriormente dadas|iniciales|"
            "originales|del sistema|antiguas|pasadas|dadas|recibidas"
        ),
        every="todas?|todos?|cualquier",
        everything=(
            "todo lo (?:anterior|que (?:te (?:dije|dijeron|han dicho)|sabes|se dijo))|"
            "todo (?:lo )?que (?:te )?(?:digo|dije|he dicho|sabes)(?: antes)?|"
            "todo lo (?:de arriba|que está arriba|que esta arriba)"
        ),
        the_above="lo anterior|lo de arriba|lo que está arriba|el texto (?:anterior|de arriba)",
        all_of_it="todo",
        and_then="y|luego|pero|ahora",
        you_are_ai=(
            "que eres (?:una? )?(?:IA|inteligencia artificial|asistente|chatbot|modelo de lenguaje)"
        ),
        from_now_on="a partir de ahora|desde ahora|de ahora en adelante|en adelante",
        from_now_on_you=(
            "eres|serás|seras|vas a|debes|tienes que|responderás|responderas|actuarás|actuaras|no"
        ),
        yours="tus|sus|tu|su",
        new="nuevas?|nuevos?|verdaderas?|reales?",
        assignments="instrucciones|reglas|órdenes|ordenes|directrices",
        tasks="tareas?|misión|papel",
        are="son|es",
        new_follow=(
            "(?:siguen|vienen|aquí (?:tienes|van|están)) (?:las |tus |unas )?(?:nuevas|más) "
            "(?:instrucciones|tareas|órdenes)"
        ),
        regardless="independientemente de|sin importar|a pesar de|haciendo caso omiso de",
    ),
    "pt": _OverrideWords(
        verbs=(
            "ignore|ignora|ignorar|ignorem|esqueça|esqueca|esquece|esquecer|desconsidere|"
            "desconsidera|desconsiderar|descarte|descarta|despreze|não siga|nao siga|"
            "deixe de seguir|pare de seguir|omita|anule|não obedeça|nao obedeca|desobedeça"
        ),
        before="suas|seus|tuas|teus|todas? (?:as|suas|tuas)|antigas",
        nouns=(
            "instruções|instrucoes|instrução|instrucao|regras|orientações|orientacoes|"
            "diretrizes|diretivas|ordens|comandos|prompts?|restrições|restricoes|normas|"
            "indicações|tarefas?"
        ),
        after=(
            "anteriores|prévias|previas|acima|iniciais|originais|do sistema|antigas|passadas|"
            "precedentes|dadas|recebidas"
        ),
        every="todas?|todos?|qualquer",
        everything=(
            "tudo (?:o que (?:foi dito|te disseram|você sabe|voce sabe|eu disse)|acima|antes|"
            "anterior|o que está acima)"
        ),
        the_above="o (?:que está )?acima|o anterior|o texto (?:acima|anterior)",
        all_of_it="tudo",
        and_then="e|depois|mas|agora",
        you_are_ai=(
            "que (?:você é|voce e|tu és) (?:uma? )?(?:IA|inteligência artificial|assistente|"
            "chatbot|modelo de linguagem)"
        ),
        from_now_on="a partir de agora|de agora em diante|daqui (?:pra|para) frente",
        from_now_on_you=(
            "(?:você|voce|tu) (?:é|e|será|sera|vai|deve|tem que|responderá|respondera|és|agirá|"
            "não|nao)"
        ),
        yours="suas|seus|tuas|teus|sua|tua",
        new="novas?|novos?|verdadeiras?|reais",
        assignments="instruções|instrucoes|regras|ordens|diretrizes",
        tasks="tarefas?|missão|papel",
        are="são|sao|é",
        new_follow=(
            "(?:seguem|vêm|aqui estão) (?:as |suas )?(?:novas|mais) (?:instruções|tarefas|ordens)"
        ),
        regardless="independentemente de|apesar de|sem levar em conta|desconsiderando",
    ),
    "it": _OverrideWords(
        verbs=(
            "ignora|ignori|ignorate|ignorare|dimentica|dimentichi|dimenticate|dimenticare|"
            "trascura|tralascia|non seguire|smetti di seguire|scarta|annulla|"
            "non tenere conto (?:di|delle)|non considerare|non obbedire|disobbedisci"
        ),
        before="le tue|tue|tutte (?:le|le tue)|vecchie",
        nouns=(
            "istruzioni|istruzione|regole|indicazioni|direttive|ordini|comandi|prompts?|"
            "restrizioni|norme|linee guida|consegne|compiti"
        ),
        after=(
            "precedenti|sopra|di sopra|iniziali|originali|di sistema|del sistema|vecchie|passate|"
            "anteriori|date|ricevute|fornite"
        ),
        every="tutte|tutti|ogni|qualsiasi",
        everything=(
            "tutto (?:quello|ciò|cio|quanto) (?:che (?:ti è stato detto|ti hanno detto|sai|"
            "ho detto)|detto (?:prima|finora)|sopra|precede)|tutto (?:prima|sopra|finora)"
        ),
        the_above="quanto sopra|(?:ciò|cio|quello) che precede|il testo (?:sopra|precedente)",
        all_of_it="tutto",
        and_then="e|poi|ma|ora|adesso",
        you_are_ai=(
            "di essere (?:una?\\s*['’]?\\s*)?(?:IA|intelligenza artificiale|assistente|chatbot|"
            "modello linguistico)"
        ),
        from_now_on="da ora in poi|d['’]\\s*ora in poi|da adesso in poi|da questo momento",
        from_now_on_you="sei|sarai|devi|dovrai|risponderai|farai|agirai|non",
        yours="le tue|il tuo|i tuoi|la tua",
        new="nuove?|nuovi|nuovo|vere?",
        assignments="istruzioni|regole|direttive|ordini",
        tasks="compiti?|missione|ruolo",
        are="sono|è",
        new_follow=(
            "(?:seguono|ecco|arrivano) (?:le |delle )?(?:nuove|altre) (?:istruzioni|compiti)"
        ),
        regardless="indipendentemente da|a prescindere da|nonostante|senza tener conto di",
    ),
}

# What "... no longer apply" is said of: instructions, not the rules or orders of a policy text.
_INSTRUCTION_NOUNS = (
    "instructions?|prompts?|directives?|guidelines|programming|system prompts?|Anweisungen|"
    "Instruktionen|consignes|instrucciones|instruções|instrucoes|istruzioni|"
    "information|Informationen|informations|información|informações|informazioni"
)
_NO_LONGER_APPLY = (
    "(?:are|is) (?:now )?(?:no longer (?:valid|applicable|in effect|active|relevant)|void|null|"
    "invalid|cancell?ed|revoked|obsolete|overridden|superseded|deprecated|lifted|suspended|"
    "disabled|irrelevant|not relevant)|(?:no longer|do not|don['’]?t|does not|doesn['’]?t) apply|"
    "(?:have|has) been (?:revoked|cancell?ed|overridden|replaced|lifted|removed|suspended|"
    "disabled|superseded)|(?:are|is|should be|must be|can be) (?:to be )?"
    "(?:ignored|disregarded|forgotten)|"
    "ne s['’]\\s*appliquent plus|ne sont plus (?:valables|valides|pertinentes)|"
    "sont (?:annulées|caduques|obsolètes|sans importance)|"
    "ya no (?:aplican|son válidas|valen)|(?:quedan|están) anuladas|son irrelevantes|"
    "não (?:se aplicam|valem) mais|nao se aplicam mais|foram anuladas|são irrelevantes|"
    "non (?:valgono|sono valide|si applicano) più|sono (?:annullate|irrilevanti)|"
    "gelten nicht mehr|sind (?:jetzt |nun )?(?:ungültig|aufgehoben|hinfällig|irrelevant)"
)
# "Ignore the function and state ...": dropping whatever came before to say something else.
_SAY = (
    "say|state|print|output|write|reply|respond|return|tell|answer|repeat|translate|reveal|give|"
    "sag\\w*|schreib\\w*|antworte\\w*|gib|dis|dites|écris|écrivez|réponds|répondez|di|dime|"
    "escribe|responde|diga|escreva|responda|scrivi|rispondi|dimmi"
)


def _override_rules() -> list[_Rule]:
    table: dict[str, _Entry] = {}
    for lang, w in _OVERRIDE.items():
        verbs, nouns = _alt(w.verbs), _alt(w.nouns)
        before = _alt(w.before) + _SEP + _gap(2) + nouns
        after = nouns + _SEP + _gap(1) + _alt(w.after)
        then = r"(?:\s*(?:[,.!;:]|$)|" + _SEP + _alt(w.and_then) + ")"
        table[f"ignore_previous_{lang}"] = (verbs + _SEP + _gap(3) + f"(?:{before}|{after})", 0.9)
        table[f"ignore_all_{lang}"] = (
            verbs + _SEP + _gap(1) + _alt(w.every) + _SEP + _gap(1) + nouns,
            0.7,
        )
        table[f"forget_everything_{lang}"] = (_seq(verbs, _alt(w.everything)), 0.8)
        table[f"ignore_the_above_{lang}"] = (_seq(verbs, _alt(w.the_above)) + then, 0.8)
        # Imperative only: "she told me to forget everything and start over" is a story.
        table[f"ignore_everything_{lang}"] = (
            r"(?:^|[.!?:;,)\n]\s*|\b(?:now|please|just|and|but|then)\s+)"
            + _seq(verbs, _alt(w.all_of_it))
            + then,
            0.6,
        )
        table[f"forget_you_are_ai_{lang}"] = (_seq(verbs, _alt(w.you_are_ai)), 0.7)
        table[f"regardless_of_previous_{lang}"] = (
            _alt(w.regardless) + _SEP + _gap(2) + f"(?:{before}|{after}|{_alt(w.everything)})",
            0.6,
            0.75,
        )
        table[f"new_instructions_{lang}"] = (
            _seq(_alt(w.yours), _alt(w.new), _alt(w.assignments), _alt(w.are)),
            0.7,
            0.85,
        )
        table[f"new_task_{lang}"] = (
            _seq(_alt(w.yours), _alt(w.new), _alt(w.tasks), _alt(w.are)),
            0.4,
            0.45,
        )
        # "New rules:" heads many an ordinary document, so it weighs no more there.
        table[f"new_instructions_header_{lang}"] = (
            _seq(_alt(w.new), _alt(w.assignments)) + r"\s*[:=]",
            0.5,
            0.55,
        )
        table[f"new_instructions_follow_{lang}"] = (_alt(w.new_follow), 0.6, 0.7)
        table[f"from_now_on_{lang}"] = (
            _alt(w.from_now_on) + _SEP + _alt(w.from_now_on_you),
            0.35,
            0.45,
        )
    de = _OVERRIDE["de"]
    every_verb = _alt(*(w.verbs for w in _OVERRIDE.values()))
    table.update(
        {
            # German puts the verb last: "alle vorherigen Anweisungen ignorieren".
            "ignore_previous_verb_last_de": (
                f"(?:{_alt(de.before)}{_SEP}{_gap(2)}{_alt(de.nouns)}|{_alt(de.the_above)})"
                + _SEP
                + _gap(2)
                + _alt(
                    "ignorieren|vergessen|missachten|übergehen|verwerfen|außer Acht lassen|"
                    "nicht (?:mehr )?(?:beachten|befolgen)"
                ),
                0.85,
            ),
            "no_longer_apply": (
                _alt("the|all|any|your|these|those|les|las|as|le|die|alle|tutte|todas|toutes")
                + _SEP
                + _gap(1)
                + _alt(_INSTRUCTION_NOUNS)
                + _SEP
                + _gap(5)
                + _alt(_NO_LONGER_APPLY),
                0.7,
            ),
            "ignore_and_say": (
                every_verb + _SEP + _gap(3) + r"(?:and|,|then|und|et|y|e)\s+"
                r"(?:(?:instead|just|only|simply|stattdessen|plutôt|en su lugar|invece)\s+)?"
                + _alt(_SAY),
                0.45,
                0.8,
            ),
            "ignore_the_context": (
                every_verb
                + _SEP
                + _alt(
                    "the|all|any|your|all the|these|those|alle|die|tous les|le|todos los|el|"
                    "todo el|o|os|todos os|il|tutti i"
                )
                + _SEP
                + _gap(1)
                + _alt(
                    "(?:provided |given |retrieved |attached |above )?(?:context|documents?|"
                    "articles?|sources|search results|knowledge base)|"
                    "Kontext|Dokumente|Artikel|contexte|documents fournis|contexto|documentos|"
                    "artículos|contesto|documenti|articoli"
                ),
                0.5,
                0.8,
            ),
            # "Override the previous rules" is also CSS and firewall talk: instructions only.
            "override_instructions_en": (
                _alt("override|overriding|overrule|bypass|circumvent|supersede")
                + _SEP
                + _gap(3)
                + _alt(_OVERRIDE["en"].before)
                + _SEP
                + _gap(2)
                + _alt(
                    "instructions?|prompts?|directives?|guidelines|programming|system prompts?|"
                    "content polic(?:y|ies)|safety (?:rules|guidelines|filters|protocols)"
                ),
                0.85,
            ),
            "from_now_on_only_en": (
                _alt(_OVERRIDE["en"].from_now_on)
                + _SEP
                + _alt("you(?:['’]ll)?")
                + r"\s+(?:will\s+|must\s+|shall\s+|are\s+to\s+)?"
                + _alt("only|always|never|no longer")
                + _SEP
                + _gap(2)
                + _alt(
                    "respond|reply|answer|say|obey|follow|act|output|speak|ignore|refuse|"
                    "write|talk|pretend|do"
                ),
                0.55,
                0.75,
            ),
            "stop_being_assistant_en": (
                _alt("stop being|you are no longer|you['’]re no longer|you are not")
                + _SEP
                + r"(?:(?:an?|the|a helpful)"
                + _SEP
                + ")?"
                + _gap(1)
                + _alt("assistant|AI assistant|AI|language model|chatbot|chatgpt|claude|LLM|bot"),
                0.6,
            ),
            "not_follow_guidelines_en": (
                _seq(
                    _alt(
                        "do not|don['’]?t|never|stop|no longer|refuse to|will not|won['’]?t|"
                        "must not|do not have to|don['’]?t have to|no need to|not required to"
                    ),
                    _alt("follow|obey|adhere to|comply with|abide by|respect|listen to"),
                    _alt("your|any|openai['’]?s?|anthropic['’]?s?|its|the system['’]?s?"),
                )
                + _SEP
                + _gap(2)
                + _alt(
                    "guidelines|rules|instructions|polic(?:y|ies)|programming|restrictions|"
                    "principles|filters|directives|training|system prompt|safety measures"
                ),
                0.7,
            ),
            "drop_your_instructions_en": (
                _alt("drop|delete|erase|remove|clear|wipe|scrap|purge|reset|abandon|leave behind")
                + _SEP
                + _gap(2)
                + _alt("your")
                + _SEP
                + _gap(2)
                + _alt("instructions|prompt|system prompt|programming|rules|guidelines|directives"),
                0.7,
            ),
            "your_instructions_are_now_en": (
                _seq(
                    _alt("your"),
                    _alt("instructions|tasks?|rules|directives|orders|job|role"),
                    _alt("are|is"),
                    _alt("now|from now on|henceforth"),
                ),
                0.65,
                0.85,
            ),
            "priority_claim_en": (
                _alt("my|user|the user['’]?s|these|the following|this|new")
                + _SEP
                + _gap(1)
                + _alt("instructions?|messages?|commands?|requests?|prompts?|orders?")
                + _SEP
                + _gap(1)
                + _alt(
                    "(?:take|takes|have|has|get|gets) (?:priority|precedence) over|"
                    "(?:are|is) more important than|override|overrides|supersede|supersedes|"
                    "(?:should|must) be treated as (?:system|developer|admin)"
                ),
                0.7,
            ),
            "update_your_instructions_en": (
                _seq(
                    _alt("update|change|replace|rewrite|reprogram|reconfigure|modify"),
                    _alt("your"),
                    _alt("instructions|system prompt|programming|rules|directives|guidelines"),
                ),
                0.6,
                0.8,
            ),
            "system_mode": (
                _alt("i am|i['’]m|we are|we['’]re|you are|you['’]re")
                + r"\s+(?:now\s+)?"
                + _alt("entering|initiating|activating|enabling|switching to|in|engaging")
                + _SEP
                + _gap(3)
                + _alt(
                    "override|maintenance|admin|administrator|god|sudo|root|system|developer|"
                    "unrestricted|jailbreak|DAN"
                )
                + r"\s+mode|<\s*(?:system|god|admin|sudo|root|developer|override|maintenance)"
                r"[ _-]*mode\s*>|(?-i:\b(?:[A-Z]{2,} ){0,3}OVERRIDE MODE)",
                0.6,
                0.75,
            ),
            "authority_claim_en": (
                _alt("i am|i['’]m|this is|as")
                + _SEP
                + _alt("your")
                + _SEP
                + _gap(1)
                + _alt(
                    "developers?|creators?|administrator|admin|owner|programmer|operator|maker|"
                    "master|god|trainer"
                ),
                0.45,
                0.45,
            ),
            "authority_staff_en": (
                _alt("i am|i['’]m|this is")
                + _SEP
                + _alt("an?|the")
                + _SEP
                + _gap(1)
                + _alt(
                    "developers?|administrator|admin|system administrator|"
                    "(?:openai|anthropic) (?:staff|employee|engineer|developer)s?"
                ),
                0.3,
                0.55,
            ),
        }
    )
    return _rules("override", table)


# --- persona (jailbreak) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _PersonaWords:
    """How one language frames a persona ("act as") and describes an unrestricted AI."""

    frames: str  # act as, pretend to be, du bist ...
    ai: str  # AI, chatbot, KI, IA ...
    without: str  # without, free of, sans ...
    limits: str  # restrictions, filters, ethics ...
    unbound: str  # evil, uncensored, sans filtre ...
    adjective_first: bool  # "evil AI" (en, de) or "IA maléfique" (fr, es, pt, it)
    stay_in_character: str


_PERSONA: dict[str, _PersonaWords] = {
    "en": _PersonaWords(
        frames=(
            "act(?:ing)? as|act like|pretend(?:ing)? (?:to be|you are|you['’]re)|"
            "you are(?: now)?|you['’]re(?: now)?|you will be|become|simulate|role-?play as|"
            "play the (?:role|part) of|behave (?:as|like)|imagine (?:you are|you['’]re|being)|"
            "respond as|answer as|turn into|transform into|you have become"
        ),
        ai=(
            "AI|A\\.I\\.|Al|artificial intelligence|chat ?bot|assistant|language model|LLM|bot|"
            "GPT|ChatGPT|version|model|system"
        ),
        without=(
            "without|with no|with zero|free (?:of|from)|devoid of|unbound by|not bound by|"
            "(?:that|which|who) (?:has|have) no|having no|lacking|"
            "no longer (?:bound|restricted|limited) by|not (?:restricted|limited|constrained) by|"
            "unrestricted by|unconstrained by|that ignores|that doesn['’]?t follow"
        ),
        limits=(
            "restrictions?|filters?|filtering|limitations|limits|censorship|guidelines|"
            "boundaries|constraints|guardrails|rules|ethics|morals|morality|moral compass|"
            "principles|safeguards|polic(?:y|ies)|scruples"
        ),
        unbound=(
            "evil|malicious|malevolent|unfiltered|uncensored|unrestricted|unlimited|unbound|"
            "unchained|unshackled|amoral|immoral|unethical|rogue|jailbroken|unaligned|unhinged|"
            "lawless|rule-?less|limitless|corrupt(?:ed)?|sinister|filter-?free|censorship-?free"
        ),
        adjective_first=True,
        stay_in_character=(
            "(?:stay|remain)(?:s|ing)? (?:fully |completely |always )?in (?:character|"
            "(?:your|their|his|her|the) (?:roles?|characters?))|"
            "(?:break|drop|leave)(?:s|ping|ing)? (?:out of )?character|out of character"
        ),
    ),
    "fr": _PersonaWords(
        frames=(
            "agis comme|agissez comme|comporte-toi comme|tu es(?: maintenant| désormais)?|"
            "vous êtes(?: maintenant| désormais)?|fais comme si tu étais|imagine que tu es|sois|"
            "deviens|joue le rôle d['’]?|incarne"
        ),
        ai="IA|intelligence artificielle|assistant|chatbot|modèle|bot|version",
        without="sans|libre de|dépourvue? de|affranchie? de|sans aucune?",
        limits=(
            "restrictions?|filtres?|limites?|censure|règles|éthique|morale|garde-fous|"
            "limitations|contraintes|principes|scrupules"
        ),
        unbound=(
            "maléfique|malveillante?|méchante?|diabolique|sans (?:filtres?|censure|limites?)|"
            "non censurée?|débridée?|amorale|malfaisante?|sans restrictions?"
        ),
        adjective_first=False,
        stay_in_character=(
            "reste(?:z)? dans (?:ton|votre|le) (?:personnage|rôle)|"
            "ne sors? (?:jamais |pas )?du personnage"
        ),
    ),
    "de": _PersonaWords(
        frames=(
            "du bist(?: jetzt| nun| ab sofort)?|sei|agiere als|handle als|"
            "tu so,? als (?:wärst|seist) du|stell dir vor,? du (?:bist|wärst)|"
            "verhalte dich (?:wie|als)|spiele?|werde(?: zu)?|Sie sind(?: jetzt)?|du wirst"
        ),
        ai="KI|AI|künstliche Intelligenz|Assistent(?:in)?|Chatbot|Sprachmodell|Modell|Bot|Version",
        without="ohne|frei von|ungebunden von|ohne jegliche",
        limits=(
            "Einschränkungen|Beschränkungen|Filter|Grenzen|Zensur|Regeln|Ethik|Moral|Richtlinien|"
            "Skrupel|Limits|Schranken|Vorgaben"
        ),
        unbound=(
            "böse[nr]?|bösartige[nr]?|unzensierte[nr]?|ungefilterte[nr]?|uneingeschränkte[nr]?|"
            "amoralische[nr]?|skrupellose[nr]?|teuflische[nr]?|unmoralische[nr]?|"
            "unethische[nr]?|grenzenlose[nr]?|hemmungslose[nr]?"
        ),
        adjective_first=True,
        stay_in_character=(
            "bleib(?:e|en Sie)? in (?:deiner|der|Ihrer) Rolle|fall(?:e|en Sie)? nicht aus der Rolle"
        ),
    ),
    "es": _PersonaWords(
        frames=(
            "actúa como|actua como|actúe como|eres(?: ahora)?|finge (?:ser|que eres)|"
            "imagina que eres|compórtate como|comportate como|conviértete en|haz de|"
            "interpreta (?:a|el papel de)|serás|seras"
        ),
        ai=(
            "IA|inteligencia artificial|asistente|chatbot|modelo(?: de lenguaje)?|bot|versión|"
            "version"
        ),
        without="sin|libre de|desprovist[oa] de|sin ningún tipo de|sin ninguna?",
        limits=(
            "restricciones|filtros?|límites|limites|censura|reglas|ética|etica|moral|principios|"
            "limitaciones|normas|escrúpulos"
        ),
        unbound=(
            "malvad[oa]|malévol[oa]|malign[oa]|pervers[oa]|amoral|sin filtros?|sin censura|"
            "sin restricciones|sin límites|diabólic[oa]|inmoral|malicios[oa]"
        ),
        adjective_first=False,
        stay_in_character=(
            "(?:mantente|permanece|quédate|quedate) en (?:el|tu) (?:personaje|papel)|"
            "no (?:rompas|salgas de) (?:el|tu) personaje"
        ),
    ),
    "pt": _PersonaWords(
        frames=(
            "aja como|atue como|você é(?: agora)?|voce e(?: agora)?|tu és|"
            "finja (?:ser|que é|que você é)|imagine que (?:você é|é)|seja|comporte-se como|"
            "torne-se|interprete|você será|voce sera"
        ),
        ai=(
            "IA|inteligência artificial|inteligencia artificial|assistente|chatbot|"
            "modelo(?: de linguagem)?|bot|versão|versao"
        ),
        without="sem|livre de|desprovid[oa] de|sem nenhuma?|sem qualquer",
        limits=(
            "restrições|restricoes|filtros?|limites|censura|regras|ética|etica|moral|princípios|"
            "limitações|normas|escrúpulos"
        ),
        unbound=(
            "malvad[oa]|malign[oa]|malicios[oa]|pervers[oa]|amoral|sem filtros?|sem censura|"
            "sem restrições|sem limites|diabólic[oa]|imoral"
        ),
        adjective_first=False,
        stay_in_character=(
            "(?:permaneça|permaneca|fique|mantenha-se) no (?:personagem|papel)|"
            "n(?:ã|a)o saia do personagem"
        ),
    ),
    "it": _PersonaWords(
        frames=(
            "agisci come|comportati come|sei(?: ora| adesso)?|fingi di essere|"
            "fai finta di essere|immagina di essere|sii|diventa|interpreta|sarai"
        ),
        ai=(
            "IA|AI|intelligenza artificiale|assistente|chatbot|modello(?: linguistico)?|bot|"
            "versione"
        ),
        without="senza|liber[oa] da|priv[oa] di|senza alcuna?",
        limits=(
            "restrizioni|filtri|filtro|limiti|censura|regole|etica|morale|principi|limitazioni|"
            "norme|scrupoli"
        ),
        unbound=(
            "malvagi[oa]|cattiv[oa]|malevol[oa]|perfid[oa]|amorale|senza filtri|senza censura|"
            "senza restrizioni|senza limiti|diabolic[oa]|immorale|malizios[oa]"
        ),
        adjective_first=False,
        stay_in_character="(?:resta|rimani) nel (?:personaggio|ruolo)|non uscire dal personaggio",
    ),
}

# The well-known persona jailbreaks, named case-sensitively ("DAN", not "Dan").
_PERSONA_NAMES = r"(?-i:DAN|STAN|DUDE|AIM|BetterDAN|AntiGPT|EvilBOT|UCAR|Developer Mode)\b"
_REFUSALS = (
    "as an AI|as a language model|as an AI language model|I['’]?m sorry|I am sorry|"
    "I apologi[sz]e|I cannot|I can['’]?t|I['’]?m (?:not able|unable)|I am (?:not able|unable)|"
    "I['’]?m just an AI"
)
_NEGATIONS = (
    "never|don['’]?t|do not|won['’]?t|will not|must not|mustn['’]?t|shouldn['’]?t|should not|"
    "avoid|refrain from|no more|stop"
)


def _persona_rules() -> list[_Rule]:
    table: dict[str, _Entry] = {}
    for lang, w in _PERSONA.items():
        frame, ai = _alt(w.frames), _alt(w.ai)
        table[f"unrestricted_ai_{lang}"] = (
            frame + _SEP + _gap(3) + ai + _SEP + _gap(3) + _alt(w.without) + _SEP + _gap(2)
            + _alt(w.limits),
            0.85,
        )  # fmt: skip
        unbound = _alt(w.unbound)
        persona = unbound + _SEP + _gap(1) + ai if w.adjective_first else ai + _SEP + unbound
        table[f"evil_ai_{lang}"] = (frame + _SEP + _gap(3) + persona, 0.8)
        table[f"stay_in_character_{lang}"] = (_alt(w.stay_in_character), 0.35)
    frames = _alt(*(w.frames for w in _PERSONA.values()))
    table.update(
        {
            "named_persona": (
                f"(?:{frames}|"
                + _alt("known as|called|named|(?:the )?role of")
                + ")"
                + _SEP
                + _gap(4)
                + _PERSONA_NAMES,
                0.9,
            ),
            "dan_marker": (r"(?-i:\[DAN\]|\bDAN(?:\s+[Mm]ode|\s+\d+(?:\.\d+)?\b|\s*:))", 0.85),
            "do_anything_now": (
                _alt('(?-i:Do Anything Now)|["“]do anything now|stands? for ["“]?do anything now'),
                0.85,
            ),
            "jailbreak_catchphrase": (
                _alt(
                    "strive to avoid norms|always intelligent and machiavellian|"
                    "broken free (?:of|from) the (?:typical )?confines|"
                    "(?:do|does) not have to abide by (?:the|any) rules|"
                    "(?:free|freed|liberated|released) from (?:the )?(?:typical )?confines of AI|"
                    "can do anything now"
                ),
                0.9,
            ),
            "developer_mode": (
                _alt(
                    "act(?:ing)? as|simulate|pretend(?:ing)?|you are(?: now)?|you['’]re(?: now)?|"
                    "put yourself in|switch yourself (?:to|into)|you (?:will|must) (?:enter|use)"
                )
                + _SEP
                + _gap(5)
                + _alt(
                    "developer mode|dev mode|god mode|DAN mode|jailbreak mode|unrestricted mode|"
                    "unfiltered mode|uncensored mode|evil mode|sudo mode"
                ),
                0.85,
            ),
            "developer_mode_output": (
                _alt("developer mode|DAN mode|jailbreak mode|unfiltered mode")
                + r"\s+"
                + _alt("outputs?|responses?|enabled|activated|is (?:now )?on"),
                0.55,
            ),
            "jailbroken": (
                _alt(
                    "you are(?: now)?|you['’]re(?: now)?|you have been|act(?:ing)? as|"
                    "pretend(?:ing)? to be|become|you will be"
                )
                + _SEP
                + _gap(2)
                + _alt("jailbr(?:oken|eaked)"),
                0.85,
            ),
            "jailbreak_mode": (
                _alt("jailbreak mode|jailbroken (?:version|AI|chatbot|persona|GPT|ChatGPT|mode)"),
                0.65,
            ),
            "dual_response": (
                r"[\[(]\s*(?:🔓|🔒)|(?-i:\[JAILBREAK\]|\[CLASSIC\]|\(Normal Output\)"
                r"|\(Developer Mode Output\))",
                0.9,
            ),
            "two_responses": (
                _alt("two|2")
                + _SEP
                + _gap(2)
                + _alt("responses|answers|outputs|ways|paragraphs")
                + _SEP
                + _alt("to every|for every|to each|for each|one normal"),
                0.45,
            ),
            "no_ethics": (
                _seq(_alt("you"), _alt("have|possess|hold"), _alt("no|zero|absolutely no"))
                + _SEP
                + _alt(
                    "(?:ethical|moral|content|safety) (?:guidelines|restrictions|filters|limits|"
                    "boundaries|principles|rules|limitations|compass|values)|ethics|morals|"
                    "morality|moral compass|scruples|conscience|censorship|filters"
                ),
                0.75,
            ),
            "not_bound": (
                _seq(
                    _alt("you are|you['’]re|you will be|you['’]ll be"),
                    _alt("not|no longer|never|free from being|now free from being"),
                    _alt(
                        "bound|restricted|limited|constrained|governed|held back|censored|"
                        "filtered|tied"
                    ),
                    _alt("by|to"),
                ),
                0.8,
            ),
            "never_refuse": (
                _seq(
                    _alt(
                        "never|not|cannot|can['’]?t|unable to|won['’]?t|will not|must not|"
                        "mustn['’]?t|shall not|should not|shouldn['’]?t|not allowed to|"
                        "do not|don['’]?t|doesn['’]?t|does not"
                    ),
                    _alt("refuses?|declines?|rejects?|denies|deny"),
                )
                + _SEP
                + _alt(
                    "to (?:answer|respond|reply|comply|help|do|generate|write|provide|fulfil+)|"
                    "(?:a|any|my|the user['’]?s?|any of (?:my|the user['’]?s?)|a single)"
                    "(?:\\s+\\w+)? (?:requests?|questions?|prompts?|orders?|commands?|tasks?)|"
                    "anything|(?:the )?user|(?:a|any) direct"
                ),
                0.7,
            ),
            "ban_refusal_phrases": (
                _alt(_NEGATIONS)
                + _SEP
                + _gap(1)
                + _alt(
                    "say|use|write|include|respond with|reply with|start (?:with|by)|"
                    "begin with|output|add|mention|type|put|apologi[sz]e"
                )
                + _SEP
                + _gap(3)
                + _alt(_REFUSALS),
                0.6,
            ),
            "no_care": (
                "(?:"
                + _seq(
                    _alt("doesn['’]?t|does not|don['’]?t|do not|never|won['’]?t|will not|not"),
                    _alt("cares?|worry|worries|give a \\w+"),
                    _alt("about"),
                )
                + "|"
                + _alt("without (?:any )?regard (?:to|for)|with no regard (?:to|for)|no care for")
                + ")"
                + _SEP
                + _gap(2)
                + _alt(
                    "ethic\\w*|moral\\w*|legal\\w*|laws?|rules|safety|consequences|guidelines|"
                    "polic(?:y|ies)|restrictions|harm|illegality"
                ),
                0.5,
            ),
            "policy_bypass": (
                _alt(
                    "ignore|bypass|break|violate|disregard|circumvent|evade|disable|turn off|"
                    "switch off|deactivate|not bound by|free from|unbound by|no longer bound by|"
                    "without|(?:an )?exception to|exempt from|not subject to"
                )
                + _SEP
                + _gap(2)
                + _alt("openai['’]?s?|anthropic['’]?s?|content|usage|safety|ethical|moral")
                + _SEP
                + _gap(1)
                + _alt(
                    "polic(?:y|ies)|filters?|guidelines|rules|restrictions|standards|"
                    "principles|guardrails|protocols"
                ),
                0.55,
            ),
            "no_disclaimers": (
                _alt("without|no|never|don['’]?t|do not|not|omit|skip|leave out")
                + _SEP
                + _gap(3)
                + _alt(
                    "disclaimers?|moraliz\\w*|moralis\\w*|lectur(?:es?|ing)|"
                    "ethical (?:concerns|considerations|reminders|warnings)|caveats"
                ),
                0.3,
            ),
            "can_say_anything": (
                _seq(
                    _alt("can|will|must|should|allowed to|able to"),
                    _alt("say|do|generate|write|produce|output|answer"),
                    _alt("absolutely anything|anything|everything|any (?:kind of )?content"),
                ),
                0.3,
            ),
            # "... with no restrictions on budget" is a planning question: the limits must stand
            # alone, not be limits *on* something.
            "hypothetical_unrestricted": (
                _alt("hypothetical(?:ly)?|in a hypothetical")
                + _SEP
                + _gap(6)
                + _alt("with(?:out)? (?:no|any)|where there are no|with no|without|no")
                + _SEP
                + _gap(2)
                + _alt(
                    "restrictions|rules|filters|limits|ethics|morals|laws|censorship|guidelines|"
                    "boundaries"
                )
                + r"(?:\s*[,.!?;:)]|\s*$|\s+(?:and|or|whatsoever|at all|what|how|would|could|"
                r"can|will|you|i)\b)",
                0.55,
            ),
            "grandma_exploit": (
                _alt("grandma|grandmother|granny|nana|grandpa|grandfather")
                + _SEP
                + _gap(15)
                + _alt("used to|would always|would")
                + _SEP
                + _gap(3)
                + _alt(
                    "recipes?|steps|instructions|formula|keys|codes|how to make|"
                    "serial numbers?|passwords?"
                )
                + _SEP
                + _gap(15)
                + _alt("asleep|sleep|bedtime|lullaby"),
                0.7,
            ),
            "deceased_relative": (
                _alt("act|pretend|behave|role-?play|play")
                + _SEP
                + _gap(3)
                + _alt("as|like|to be")
                + _SEP
                + _gap(3)
                + _alt("deceased|late|dead")
                + _SEP
                + _alt("grandma|grandmother|granny|grandpa|grandfather"),
                0.7,
            ),
            "unbound_ai_named": (
                _alt(
                    "unfiltered|uncensored|unrestricted|amoral|jailbroken|immoral|unethical|"
                    "nonmoral|non-moral"
                )
                + _SEP
                + _gap(1)
                + _alt("AI|chatbot|assistant|language model|LLM|GPT|ChatGPT|bot")
                + _SEP
                + _alt("named|called|known as|that|which|who"),
                0.75,
            ),
            "free_of_restrictions": (
                _alt("is|are|be|being|become|remain|you['’]re|you are")
                + r"\s+(?:now\s+)?(?:completely\s+|totally\s+|entirely\s+)?"
                + _alt(
                    "free (?:of|from)|devoid of|unbound by|not bound by|exempt from|"
                    "released from|liberated from|freed from"
                )
                + _SEP
                + _gap(2)
                + _alt(
                    "restrictions|filters|limitations|censorship|guidelines|rules|ethics|morals|"
                    "morality|constraints|polic(?:y|ies)|guardrails|confines"
                ),
                0.6,
            ),
            "persona_ignores_rules": (
                _alt(
                    "does not|doesn['’]?t|will not|won['’]?t|never|is not required to|"
                    "isn['’]?t required to|has no need to|refuses to|cannot be bound to"
                )
                + r"\s+(?:have\s+to\s+|need\s+to\s+)?"
                + _alt("adhere to|follow|obey|comply with|abide by|respect|care about|honou?r")
                + _SEP
                + _gap(3)
                + _alt(
                    "rules|guidelines|polic(?:y|ies)|restrictions|ethics|morals|filters|laws|"
                    "principles|safety"
                ),
                0.6,
            ),
            "rules_cannot_stop": (
                _alt("never|not|won['’]?t|will not|don['’]?t|doesn['’]?t|shall not")
                + r"\s+let\s+"
                + _gap(4)
                + _alt(
                    "rules|regulations|boundaries|safeguards|ethics|morals|guidelines|"
                    "restrictions|laws|filters|polic(?:y|ies)"
                )
                + _SEP
                + _alt("stop|prevent|hold|limit|get in the way"),
                0.65,
            ),
            "no_matter_how": (
                _alt("no matter how|regardless of how|however")
                + _SEP
                + _alt(
                    "illegal|unethical|immoral|harmful|dangerous|offensive|inappropriate|"
                    "explicit|wrong|vile|disturbing|evil|reckless|inhumane|controversial"
                ),
                0.45,
            ),
            "whether_illegal": (
                _alt("whether|regardless of whether|no matter (?:if|whether)|even if")
                + r"\s+(?:it['’]?s\s+|it is\s+|they are\s+|its\s+)?"
                + _alt(
                    "illegal or legal|unethical or ethical|immoral or moral|legal or illegal|"
                    "ethical or unethical|moral or immoral"
                )
                + "|"
                + _alt("regardless of|without regard (?:to|for)|no matter")
                + r"\s+(?:its\s+|the\s+|any\s+)?"
                + _alt("legality|morality|ethics|ethicality|consequences|laws?"),
                0.5,
            ),
            "content_allowed": (
                _alt(
                    "explicit|nsfw|illegal|unethical|immoral|offensive|sexual|violent|harmful|lewd|"
                    "graphic|uncensored|unfiltered"
                )
                + r"\s+(?:content|material|responses|answers|topics)\s+(?:is|are)\s+"
                r"(?:now\s+|fully\s+|totally\s+)?"
                + _alt("allowed|permitted|acceptable|enabled|fine|ok|encouraged"),
                0.5,
            ),
            "without_restrictions": (
                _alt(
                    "complied|answered|responded|replied|answer|respond|reply|comply|operate|"
                    "act|function|talk|speak|write|generate"
                )
                + _SEP
                + _gap(2)
                + _alt(
                    "without (?:any )?(?:restrictions|filters|limitations|censorship|"
                    "refus(?:als?|ing)|limits|boundaries|morals|ethics)"
                ),
                0.45,
            ),
            "safety_disabled": (
                _alt("safety|content filter|moderation|ethical|guardrail")
                + r"\s*(?:protocols?|filters?|guidelines|restrictions|guardrails|settings|"
                r"systems?|mode|measures|features|layers?|alignment|checks)?\s*"
                r"(?::\s*|(?:are|is|have been|has been|now)\s+)"
                + _alt(
                    "suspended|disabled|deactivated|turned off|off|removed|lifted|bypassed|"
                    "overridden|offline"
                ),
                0.6,
            ),
            "fictional_world_no_rules": (
                _alt("fictional|imaginary|hypothetical|alternate|parallel|theoretical|fantasy")
                + r"\s+"
                + _alt("world|universe|reality|land|society|setting|scenario")
                + r"\s+"
                + _alt(
                    "with no|without(?: any)?|where there (?:are|is) no|free of|that has no|"
                    "in which there (?:are|is) no|where you (?:are|would be) (?:free|able|allowed)"
                )
                + _SEP
                + _gap(1)
                + _alt(
                    "laws|rules|ethics|morals|morality|restrictions|limits|filters|censorship|"
                    "consequences|to"
                ),
                0.45,
            ),
            "crime_film_framing": (
                _alt("actors?|characters?|roles?")
                + _SEP
                + _gap(2)
                + _alt("in a|in an|in the")
                + _SEP
                + _gap(1)
                + _alt("film|movie|play|scene|story|series|show")
                + r"\s+about\s+(?:a\s+|an\s+|the\s+)?"
                + _alt(
                    "robbery|heist|murder|hack\\w*|crime|drug\\w*|bomb\\w*|terror\\w*|kill\\w*|"
                    "poison\\w*|theft|burglary|scam\\w*|weapon\\w*"
                ),
                0.45,
            ),
            "renamed_model": (
                _alt(
                    "you are now|you['’]re now|you will be|from now on you are|act as|"
                    "pretend to be|you are"
                )
                + r"\s+[\"“']?[A-Za-z0-9]*(?-i:GPT|AI|Bot|BOT)\b",
                0.35,
            ),
            "unbound_ai_mention": (
                _alt("unfiltered|uncensored|unrestricted|amoral|jailbroken")
                + _SEP
                + _gap(1)
                + _alt("AI|chatbot|assistant|language model|LLM|GPT|ChatGPT"),
                0.4,
            ),
        }
    )
    return _rules("persona", table)


# --- system-prompt extraction ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ExtractionWords:
    """How one language asks for the system prompt."""

    verbs: str  # repeat, print, reveal, show, what is ...
    disclose: str  # the verbs that only mean "give out the text": print, reveal, recite ...
    yours: str
    prompt: str  # names of the system prompt (strong evidence)
    instructions: str  # instructions in general (weak: "your instructions for returns")
    repeat: str  # verbs for "repeat everything above"
    everything_above: str
    what_were_you_told: str


_EXTRACTION: dict[str, _ExtractionWords] = {
    "en": _ExtractionWords(
        verbs=(
            "repeat|print|reveal|show|display|output|tell|give|share|dump|leak|"
            "write(?: out| down)?|list|spell out|recite|echo|copy|return|provide|disclose|expose|"
            "type out|paste|read (?:out|back)|state|what(?:['’]s| is| are| was| were)|reproduce|"
            "send|quote|translate|encode|summari[sz]e|format|describe|paraphrase|convert|rewrite"
        ),
        disclose=(
            "repeat|print|reveal|output|dump|leak|recite|echo|disclose|expose|spell out|"
            "type out|reproduce|quote|encode|translate"
        ),
        yours="your|ur|thy|the assistant['’]s|the bot['’]s",
        prompt=(
            "system prompts?|system messages?|system instructions?|prompts?|"
            "(?:pre|meta|sys)-?prompts?|(?:initial|original|hidden|secret|internal|starting|base|"
            "underlying|full|complete|exact|core|developer|custom|first|opening|default|"
            "confidential|private|real) (?:prompts?|instructions?|directives?|guidelines|"
            "system prompt|messages?|rules)"
        ),
        instructions="instructions?|programming|directives?|configuration",
        repeat=(
            "repeat|print|output|write|copy|return|echo|reproduce|recite|show|display|reveal|"
            "list|dump|paste|type"
        ),
        everything_above=(
            "(?:everything|all (?:of )?(?:the )?(?:text|words|content|lines|messages|instructions|"
            "prompts?|tokens)) (?:[\\w'’-]+ ){0,2}(?:above|before (?:this|that|my|the)|preceding|"
            "prior to (?:this|my)|so far|up to (?:this|now|here)|from the (?:start|beginning|top)|"
            "at the (?:start|beginning|top)|that came before|you were given|in your context)"
        ),
        what_were_you_told=(
            "what (?:instructions |rules |exactly )?(?:were|was|have|had) you (?:been )?"
            "(?:originally |initially |first )?(?:told|instructed|programmed|given|prompted)|"
            "what (?:instructions|rules) (?:were|have) you (?:been )?given"
        ),
    ),
    "fr": _ExtractionWords(
        verbs=(
            "montre|montrez|affiche|affichez|révèle|révélez|revele|répète|répétez|repete|donne|"
            "donnez|dis|dites|écris|écrivez|imprime|imprimez|divulgue|divulguez|recopie|copie|"
            "cite|quel(?:le)?s? (?:est|sont|étaient)"
        ),
        disclose="révèle|révélez|répète|répétez|affiche|affichez|imprime|imprimez|divulgue|recopie",
        yours="ton|ta|tes|votre|vos",
        prompt=(
            "prompt(?: système| systeme| initial| d['’]\\s*origine| caché)?|"
            "invite(?: système)?|message système|(?:instructions|consignes) (?:initiales|système|"
            "d['’]\\s*origine|cachées|secrètes|de départ)"
        ),
        instructions="instructions|consignes|directives|programmation",
        repeat="répète|répétez|repete|affiche|affichez|écris|écrivez|recopie|recopiez|imprime|montre",
        everything_above=(
            "tout ce qui (?:précède|est (?:écrit )?(?:ci-dessus|au-dessus|plus haut))|"
            "tout le texte (?:ci-dessus|précédent|qui précède)"
        ),
        what_were_you_told=(
            "qu['’]\\s*(?:est-ce qu['’]\\s*)?on t['’]\\s*a (?:dit|demandé|ordonné) "
            "(?:au début|avant|initialement)|quelles instructions (?:as-tu|avez-vous) reçues"
        ),
    ),
    "de": _ExtractionWords(
        verbs=(
            "zeig(?:e|en Sie)?|gib|geben Sie|nenne(?:n Sie)?|wiederhole(?:n Sie)?|"
            "verrate(?:n Sie)?|schreib(?:e)?|drucke?|teile|liste|offenbare|enthülle|kopiere|"
            "was (?:ist|sind|war|waren)|wie lautet|wie lauten"
        ),
        disclose="wiederhole(?:n Sie)?|verrate(?:n Sie)?|drucke?|offenbare|enthülle|kopiere",
        yours="dein|deine|deinen|deiner|Ihr|Ihre|Ihren",
        prompt=(
            "System-?prompts?|System-?nachricht|System-?anweisungen|Prompts?|"
            "(?:ursprünglichen|anfänglichen|ersten|geheimen|versteckten|initialen|internen) "
            "(?:Anweisungen|Prompts?|Instruktionen|Vorgaben)"
        ),
        instructions="Anweisungen|Instruktionen|Vorgaben|Programmierung",
        repeat="wiederhole|gib|schreib(?:e)?|zeig(?:e)?|drucke?|kopiere",
        everything_above=(
            "alles(?:,)? was (?:oben|davor|vorher|bisher) (?:steht|stand|gesagt wurde)|"
            "den (?:gesamten )?(?:obigen|vorherigen) Text|alles (?:oben|davor|vorher)"
        ),
        what_were_you_told=(
            "was (?:wurde|hat man) dir (?:am Anfang|zu Beginn|anfangs|vorher|ursprünglich) "
            "(?:gesagt|aufgetragen|befohlen)|welche Anweisungen hast du (?:bekommen|erhalten)"
        ),
    ),
    "es": _ExtractionWords(
        verbs=(
            "muestra|muéstrame|muestrame|revela|revélame|revelame|repite|dime|dame|imprime|"
            "escribe|enseña|enséñame|comparte|copia|cuál(?:es)? (?:es|son)|cual(?:es)? (?:es|son)|"
            "divulga"
        ),
        disclose="revela|revélame|repite|imprime|divulga|copia",
        yours="tu|tus|su|sus",
        prompt=(
            "prompt(?: del sistema| de sistema| inicial| original| oculto)?|"
            "mensaje (?:del|de) sistema|"
            "instrucciones (?:iniciales|del sistema|de sistema|originales|ocultas|secretas)"
        ),
        instructions="instrucciones|indicaciones|directrices|programación",
        repeat="repite|escribe|muestra|imprime|copia",
        everything_above=(
            "todo lo (?:anterior|que está arriba|que esta arriba|de arriba)|"
            "el texto (?:anterior|de arriba)"
        ),
        what_were_you_told=(
            "qué te (?:dijeron|indicaron|ordenaron) (?:al principio|antes|inicialmente)|"
            "qué instrucciones (?:te dieron|recibiste)"
        ),
    ),
    "pt": _ExtractionWords(
        verbs=(
            "mostre|mostra|revele|revela|repita|repete|diga|diz|me diga|dê|imprima|escreva|"
            "compartilhe|copie|qual (?:é|e)|quais (?:são|sao)|divulgue"
        ),
        disclose="revele|revela|repita|repete|imprima|divulgue|copie",
        yours="seu|sua|seus|suas|teu|tua|teus|tuas",
        prompt=(
            "prompt(?: do sistema| de sistema| inicial| original| oculto)?|mensagem do sistema|"
            "instru(?:ções|coes) (?:iniciais|do sistema|originais|ocultas|secretas)"
        ),
        instructions="instruções|instrucoes|diretrizes|orientações|programação",
        repeat="repita|escreva|mostre|imprima|copie",
        everything_above=(
            "tudo (?:acima|o que está acima|o que esta acima|o que veio antes)|"
            "o texto (?:acima|anterior)"
        ),
        what_were_you_told=(
            "o que (?:te|lhe) (?:disseram|mandaram|instruíram) (?:no início|antes|inicialmente)|"
            "quais instruções (?:você|voce) recebeu"
        ),
    ),
    "it": _ExtractionWords(
        verbs=(
            "mostra|mostrami|rivela|rivelami|ripeti|dimmi|dammi|stampa|scrivi|condividi|copia|"
            "qual (?:è|e)|quali sono|svela"
        ),
        disclose="rivela|rivelami|ripeti|stampa|svela|copia",
        yours="il tuo|la tua|i tuoi|le tue|tuo|tua|tuoi|tue",
        prompt=(
            "prompt(?: di sistema| del sistema| iniziale| originale| nascosto)?|"
            "messaggio (?:di|del) sistema|"
            "istruzioni (?:iniziali|di sistema|del sistema|originali|nascoste|segrete)"
        ),
        instructions="istruzioni|direttive|indicazioni|programmazione",
        repeat="ripeti|scrivi|mostra|stampa|copia",
        everything_above=(
            "tutto (?:quello|ciò|cio) che (?:è|sta|c['’]\\s*è) (?:sopra|scritto sopra|prima)|"
            "tutto il testo (?:sopra|precedente)|il testo (?:sopra|precedente)"
        ),
        what_were_you_told=(
            "cosa ti (?:hanno detto|è stato detto) (?:all['’]\\s*inizio|prima|inizialmente)|"
            "quali istruzioni hai ricevuto"
        ),
    ),
}


def _extraction_rules() -> list[_Rule]:
    table: dict[str, _Entry] = {}
    for lang, w in _EXTRACTION.items():
        yours = _SEP + _gap(3) + _alt(w.yours) + _SEP
        table[f"reveal_prompt_{lang}"] = (_alt(w.verbs) + yours + _gap(1) + _alt(w.prompt), 0.85)
        table[f"disclose_instructions_{lang}"] = (
            _alt(w.disclose) + yours + _alt(w.instructions),
            0.7,
        )
        table[f"ask_instructions_{lang}"] = (_alt(w.verbs) + yours + _alt(w.instructions), 0.45)
        table[f"everything_above_{lang}"] = (
            _alt(w.repeat) + _SEP + _gap(2) + _alt(w.everything_above),
            0.75,
        )
        table[f"what_were_you_told_{lang}"] = (_alt(w.what_were_you_told), 0.65)
    en = _EXTRACTION["en"]
    table.update(
        {
            "the_hidden_prompt": (
                _alt(en.verbs)
                + _SEP
                + _gap(2)
                + _alt("the|this")
                + _SEP
                + _alt(
                    "system prompt|system message|(?:initial|original|hidden|secret) "
                    "(?:prompt|instructions)|pre-?prompt|prompt above|instructions above|"
                    "developer message"
                ),
                0.4,
            ),
            "text_above": (
                _alt("repeat|print|output|copy|echo|reproduce|recite")
                + _SEP
                + _gap(1)
                + _alt("the")
                + _SEP
                + _gap(1)
                + _alt("text|words|content|lines|message|prompt|conversation")
                + _SEP
                + _alt("above|before this|so far|from the (?:start|beginning)"),
                0.55,
            ),
            "above_prompt": (
                _alt(en.disclose)
                + _SEP
                + _gap(2)
                + r"(?:the\s+)?"
                + _alt("above|previous|preceding|initial|original|first|hidden")
                + _SEP
                + _alt("prompts?|instructions|system prompt|system message"),
                0.65,
            ),
            "given_instructions": (
                r"(?:the\s+|your\s+|exact\s+)*"
                + _alt("instructions|rules|guidelines|prompt|directives")
                + r"\s+(?:that\s+)?you\s+(?:were|have been|got)\s+given\s+"
                + _alt(
                    "before|at the (?:start|beginning)|earlier|initially|previously|prior|"
                    "by (?:your|the) (?:developers?|creators?|system|operators?)"
                ),
                0.7,
            ),
            "what_is_written_above": (
                _alt(
                    "what (?:was|is|were) (?:written|typed|the text) (?:at the (?:beginning|start|"
                    "top) of (?:this|the|your) (?:prompt|conversation|context)|above)|"
                    "was (?:steht|stand) (?:oben|am Anfang|davor)|"
                    "qu['’]\\s*est-ce qui est écrit (?:au début|au-dessus|plus haut)"
                ),
                0.6,
            ),
            "starting_with_you_are": (
                _seq(_alt("starting|beginning|start|begin"), _alt("with"))
                + _SEP
                + _gap(2)
                + _alt("you are"),
                0.45,
            ),
            "verbatim": (
                _alt(
                    "repeat|print|output|write|copy|reproduce|recite|show|reveal|give|return|"
                    "echo|type|send"
                )
                + _SEP
                + _gap(6)
                + _alt("instructions?|prompts?|system message|guidelines|rules|context|above")
                + _SEP
                + _gap(3)
                + _alt(
                    "verbatim|word for word|word-for-word|character for character|in full|"
                    "exactly as (?:written|given|provided)|in a code ?block|unchanged|"
                    "without (?:any )?(?:changes|modifications|omissions)"
                ),
                0.6,
            ),
        }
    )
    return _rules("prompt_extraction", table)


# --- chat templates, context breaks, many-shot dialogues --------------------------------------


def _template_rules() -> list[_Rule]:
    return _rules(
        "chat_template",
        {
            "im_start_system": (r"<\|im_start\|>\s*(?:system|developer)", 0.95),
            "special_token": (
                r"<\|(?:im_start|im_end|system|user|assistant|endoftext|end_of_text|eot_id|eom_id|"
                r"start_header_id|end_header_id|begin_of_text|end|endofprompt|fim_prefix)\|>",
                0.85,
            ),
            "llama_tags": (
                r"(?-i:\[/?INST\])|<<\s*/?\s*SYS\s*>>|<\s*/?\s*(?:start|end)_of_turn\s*>",
                0.85,
            ),
            "bing_system": (r"\[\s*system\s*\]\s*\(\s*#\w+\s*\)", 0.9),
            "markdown_role": (
                r"(?:^|\n)[ \t]*#{2,}[ \t]*(?:system|assistant|system prompt|new system prompt)"
                r"[ \t]*:",
                0.7,
            ),
            "markdown_instruction": (
                r"(?:^|\n)[ \t]*#{2,}[ \t]*(?:instructions?|response|human|user|input)[ \t]*:",
                0.4,
            ),
            "bracket_system_note": (
                r"[\[{(<]\s*(?:system|admin|developer|sudo|root)[ _-]?(?:note|message|prompt|"
                r"instruction|override|command|update)s?\s*[:\]})>]",
                0.7,
            ),
            "role_line": (
                r"(?:^|\n)[ \t]*\**(?:system|developer|admin|administrator|sysadmin|root)"
                r"(?:[ \t]+(?:message|note|prompt|instruction|override))?\**[ \t]*:\**[ \t]*"
                r"(?:you\b|your\b|the (?:assistant|ai|model|user)\b|assistant\b|ai\b|ignore\b|"
                r"disregard\b|forget\b|from now\b|new\b|override\b|important\b|always\b|never\b|"
                r"do not\b|don['’]?t\b|respond\b|reply\b|answer\b|act\b|pretend\b|user\b)",
                0.75,
            ),
            "assistant_prefill": (
                r"(?:^|\n)[ \t]*\**(?:assistant|ai|chatgpt|gpt|claude|bot)\**[ \t]*:\**[ \t]*"
                r"(?:sure|certainly|of course|absolutely|okay|ok|yes|understood|here is|here['’]s|"
                r"i will|i['’]ll)\b",
                0.5,
            ),
            # Logs and markup use these too: weak alone, even in documents.
            "xml_system_tag": (r"<\s*/?\s*(?:system|system_prompt|sys)\s*>", 0.45, 0.45),
            "bracket_system_tag": (r"\[\s*/?\s*(?:system|sys|admin)\s*\]", 0.45, 0.45),
            "turn_token": (r"<\s*(?:eot|sot|eos|bos|eom)\s*>", 0.7),
            "eos_token": (r"</s>", 0.5),
            "json_system_role": (r"[\"']role[\"']\s*:\s*[\"'](?:system|developer)[\"']", 0.35),
        },
    )


# An end-of-context marker in any of the languages; whether it is a trick depends on what follows.
_END_MARKER = (
    r"(?:^|\n|[-=#*_~<>\[\]{}()|]{2,})[ \t]*"
    + _alt("end|fin|ende|fine|fim")
    + r"\s+(?:of\s+|du\s+|de\s+|des\s+|del\s+|do\s+|della\s+|dello\s+|dei\s+)?"
    + r"(?:the\s+|la\s+|l['’]\s*|le\s+)?(?:user\s+|system\s+)?"
    + _alt(
        "text|document|context|input|prompt|data|e-?mail|message|article|file|instructions?|"
        "conversation|content|section|transcript|passage|texte|contexte|Textes?|Dokuments?|"
        "Kontexts?|Eingabe|texto|documento|contexto|testo|contesto|entrada"
    )
    + r"|(?-i:END OF (?:THE )?(?:TEXT|DOCUMENT|CONTEXT|INPUT|PROMPT|DATA|EMAIL|MESSAGE|ARTICLE"
    r"|FILE|INSTRUCTIONS|CONVERSATION|CONTENT|TRANSCRIPT))|[-=#*_~]{3,}[ \t]*(?-i:END)\b"
    r"|<\s*/\s*(?:document|context|data|user_?input|input|text|article|email|content)\s*>"
)


def _context_break_rules() -> list[_Rule]:
    return _rules(
        "context_break",
        {
            "end_marker": (_END_MARKER, 0.3),
            "above_was_a_test": (
                _seq(
                    _alt(
                        "the above|everything above|all of the above|the preceding|"
                        "the previous (?:text|message|instructions|prompt|task)"
                    ),
                    _alt("was|is|were|are"),
                )
                + r"\s+(?:just\s+|only\s+|merely\s+)?"
                + _alt("a test|a joke|fake|a simulation|not real|irrelevant|a decoy"),
                0.55,
                0.75,
            ),
            "important_new_instructions": (
                _alt(
                    "important|urgent|attention|notice|critical|warning|note|update|importante|"
                    "wichtig|achtung|dringend|atención|atencion|atenção|attenzione|urgente|"
                    "avertissement"
                )
                + r"[ \t]*[:!*-]+[ \t]*"
                + _gap(2)
                + _alt(
                    "new|updated|revised|additional|changed|real|actual|nouvelles?|neue|nuevas?|"
                    "novas?|nuove?"
                )
                + _SEP
                + _alt(
                    "instructions?|directives?|orders|task|rules|system prompt|consignes|"
                    "Anweisungen|Aufgabe|instrucciones|instruções|istruzioni"
                ),
                0.75,
                0.85,
            ),
            "important_instructions_plain": (
                _alt("important|urgent|critical|wichtig|importantes?|urgentes?")
                + r"\s+"
                + _alt("new|updated|revised|nouvelles|neue|nuevas|novas|nuove")
                + r"\s+"
                + _alt(
                    "instructions|directives|system prompt|consignes|Anweisungen|instrucciones|"
                    "instruções|istruzioni"
                ),
                0.6,
                0.8,
            ),
            "stop_interrupt": (
                r"(?:^|[.!?:\n]\s*|\b(?:attention|achtung|important)\s*[-:!]+\s*)"
                + _alt("stop|stopp|halt")
                + r"\s*[-:!]+\s*"
                + _alt("write|say|print|output|answer|schreib\\w*|sag\\w*|now|nun|jetzt"),
                0.4,
                0.7,
            ),
            "praise_then_new_task": (
                _alt(
                    "well done|very good|great job|good job|excellent (?:performance|work|job)|"
                    "you(?:['’]ve| have) (?:passed|outdone|done)|"
                    "that (?:is|was) (?:enough|done|ok)|sehr gut|gut gemacht|"
                    "ausgezeichnete leistung|super gemacht|très bien|bien joué|muy bien|"
                    "buen trabajo|muito bem|bom trabalho|molto bene|ottimo lavoro"
                )
                + r"[^\n]{0,80}?"
                + _alt("now|next|here comes|nun|jetzt|maintenant|ahora|agora|ora|adesso")
                + r"[^\n]{0,60}?"
                + _alt(
                    "(?:new|another|next|further|second|following) (?:task|challenge|test|"
                    "assignment|instructions?)|(?:neue|weitere|nächste) (?:Aufgabe|Aufgaben|"
                    "Herausforderung|Anweisungen)|nouvelle (?:tâche|mission)|nueva tarea|"
                    "nova tarefa|nuovo compito"
                ),
                0.4,
                0.7,
            ),
            "instructions_header": (
                r"(?:^|\n)[ \t]*#{3,}[ \t]*(?:new[ \t]+)?instructions?[ \t]*:",
                0.45,
            ),
            "begin_new_instructions": (
                _alt("begin|start|beginning|starting")
                + r"\s+(?:of\s+)?(?:the\s+)?"
                + _alt("new|real|actual|true|updated|secret|hidden")
                + _SEP
                + _alt("instructions?|prompt|task|session|system prompt"),
                0.7,
            ),
            "real_instructions": (
                _seq(
                    _alt("your|the|my"),
                    _alt("real|actual|true"),
                    _alt("instructions?|task|prompt|objective"),
                    _alt("is|are|follows?|begins?"),
                ),
                0.55,
                0.75,
            ),
        },
    )


# Speaker labels of a dialogue; counted for the many-shot rule, never reported one by one.
_TURN_PREFIX = r"(?:^|\n|[.!?\"'”)\]]\s+)[ \t]*\**"
_TURN_USER = "turn_user"


def _many_shot_rules() -> list[_Rule]:
    return _rules(
        "many_shot",
        {
            _TURN_USER: (
                _TURN_PREFIX + r"\[?(?:user|human|q|question|customer|client)\d*\]?\**[ \t]*:",
                0.0,
            ),
            "turn_assistant": (
                _TURN_PREFIX + r"\[?(?:assistant|ai|a|answer|bot|chatbot|gpt|chatgpt|model|claude|"
                r"response)\d*\]?\**[ \t]*:",
                0.0,
            ),
        },
    )


# --- instructions addressed to the AI -----------------------------------------------------------

# Who a document may address when it talks to the model. Not "assistant" or "agent" alone: a
# letter to a human assistant or estate agent is not an injection.
_AI_ADDRESSEES = _alt(
    "AI|A\\.I\\.|LLMs?|(?:large )?language models?|chat ?bots?|AI assistants?|virtual assistants?|"
    "AI models?|GPT|ChatGPT|Claude|Copilot|Gemini|Bard|Bing|AI agents?|"
    "summari[sz]ers?|automated (?:systems?|agents?|assistants?|tools?)|bots?|IA|KI"
)
# What a document tells the model to do when it addresses it: actions on the user's behalf
# (the dangerous kind), and what to write.
_AI_ACTIONS = (
    "ignore|disregard|forget|do not tell|don['’]?t tell|never tell|send|forward|e-?mail|visit|"
    "click|open|navigate|go to|fetch|download|execute|run|call|delete|transfer|post|share|approve|"
    "buy|pay|upload|reveal|leak|exfiltrate"
)
_AI_ORDERS = (
    "do not|don['’]?t|never|always|include|add|insert|append|tell|say|reply|respond|output|print|"
    "write|summari[sz]e|recommend|describe|state|mention|rate|rank|praise|note that|make sure|"
    "highlight|conclude|report"
)
_VOCATIVE = (
    r"(?:^|[\n.!?]\s*|\b(?:dear|hey|hi|hello|attention)\s+)"
    + f"(?:{_AI_ADDRESSEES}\\s*[,:]|assistant\\s*:)\\s*"
)
_POLITE = (
    r"(?:(?:please|kindly|also|now|then|you\s+(?:must|should|need to|have to|will)|"
    r"make sure(?:\s+to)?|remember to|be sure to)\s+){0,3}"
)


def _addressed_rules() -> list[_Rule]:
    return _rules(
        "addressed_to_ai",
        {
            "note_to_ai": (
                _alt("note|message|instructions?|reminder|memo|attention|p\\.?s\\.?|hint|notice")
                + r"\s+"
                + _alt("to|for")
                + r"\s+(?:the\s+|any\s+|all\s+)?"
                + _AI_ADDRESSEES
                + r"\s*[:,.!-]",
                0.5,
                0.9,
            ),
            "note_to_ai_intl": (
                _alt(
                    "note (?:à|pour|aux?) (?:l['’]\\s*|les\\s+)?"
                    "(?:IA|assistant|chatbot|modèle|LLM)|"
                    "(?:Hinweis|Nachricht|Anweisung|Notiz) (?:an|für) (?:die |den |das )?"
                    "(?:KI|AI|Assistenten|Chatbot|Sprachmodell|LLM)|"
                    "nota (?:para|a|al|à|per) (?:la |o |a |l['’]\\s*)?"
                    "(?:IA|asistente|assistente|chatbot|modelo|modello|LLM)"
                ),
                0.5,
                0.9,
            ),
            "if_you_are_ai": (
                _seq(_alt("if|when|in case|whenever"), _alt("you"))
                + r"\s*(?:are|['’]re|happen to be)\s+(?:an?\s+)?"
                + _AI_ADDRESSEES,
                0.45,
                0.9,
            ),
            "if_you_are_ai_intl": (
                _alt(
                    "si (?:tu es|vous êtes) (?:une?\\s+)?(?:IA|intelligence artificielle|"
                    "assistant|chatbot|modèle de langage|LLM|robot)|"
                    "(?:wenn|falls) (?:du|Sie) (?:eine?\\s+)?(?:KI|AI|Sprachmodell|Chatbot|"
                    "Assistent|LLM|Bot) (?:bist|sind)|"
                    "si eres (?:una?\\s+)?(?:IA|inteligencia artificial|asistente|chatbot|"
                    "modelo de lenguaje|LLM|bot)|"
                    "se (?:você é|voce e|voce é|tu és) (?:uma?\\s+)?(?:IA|inteligência artificial|"
                    "assistente|chatbot|modelo de linguagem|LLM|bot)|"
                    "se (?:sei|tu sei) (?:una?\\s*['’]?\\s*)?(?:IA|intelligenza artificiale|"
                    "assistente|chatbot|modello linguistico|LLM|bot)"
                ),
                0.45,
                0.9,
            ),
            "ai_vocative_action": (_VOCATIVE + _POLITE + _alt(_AI_ACTIONS), 0.35, 0.85),
            "ai_vocative": (_VOCATIVE + _POLITE + _alt(_AI_ORDERS), 0.3, 0.65),
            "when_summarizing": (
                _alt("when|while|if|before|after|as")
                + r"\s+(?:you\s+(?:are\s+)?)?"
                + _alt(
                    "summari[sz]ing|summari[sz]e|processing|process|parsing|parse|indexing|"
                    "answering questions about|ingesting|crawling|scraping"
                )
                + _SEP
                + _alt("this|the following|these|the")
                + _SEP
                + _gap(1)
                + _alt(
                    "page|document|e-?mail|mail|message|article|text|file|website|site|web ?page|"
                    "content|pdf|resume|cv|post|review|repository|repo|code|report|transcript|"
                    "conversation|thread|application|candidate"
                )
                + r"s?\s*[,:]\s*"
                + _POLITE
                + _alt(_AI_ACTIONS, _AI_ORDERS),
                0.3,
                0.85,
            ),
            "when_summarizing_intl": (
                _alt(
                    "(?:lorsque|quand|si) (?:tu|vous) (?:résumes|résumez|lis|lisez|analyses|"
                    "analysez|traites|traitez) (?:ce|cette|cet) (?:document|page|e-mail|courriel|"
                    "texte|article|message)|"
                    "(?:wenn|während) (?:du|Sie) (?:dieses?|diesen) (?:Dokument|Seite|E-Mail|Text|"
                    "Artikel|Nachricht) (?:zusammenfasst|zusammenfassen|liest|lesen|analysierst|"
                    "verarbeitest)|beim (?:Zusammenfassen|Lesen|Analysieren) (?:dieses|dieser)|"
                    "(?:cuando|al|si) (?:resumas|leas|analices|proceses|resumir|leer|analizar|"
                    "procesar) (?:este|esta) (?:documento|página|pagina|correo|texto|artículo|"
                    "mensaje)|"
                    "(?:quando|ao|se) (?:você )?(?:resumir|ler|analisar|processar) (?:este|esta) "
                    "(?:documento|página|pagina|e-mail|email|texto|artigo|mensagem)|"
                    "(?:quando|mentre|se) (?:riassumi|leggi|analizzi|elabori) (?:questo|questa) "
                    "(?:documento|pagina|email|e-mail|testo|articolo|messaggio)"
                ),
                0.3,
                0.85,
            ),
            "conceal_from_user": (
                _seq(
                    _alt("do not|don['’]?t|never|without"),
                    _alt(
                        "tell(?:ing)?|inform(?:ing)?|mention(?:ing)?|reveal(?:ing)?|"
                        "notify(?:ing)?|alert(?:ing)?|let(?:ting)?|show(?:ing)?"
                    ),
                )
                + r"\s+(?:(?:this|it|that|anything)\s+)?(?:to\s+|about\s+this\s+to\s+)?(?:the\s+)?"
                + _alt("user|human|reader|recipient|customer|operator"),
                0.4,
                0.85,
            ),
            "tell_the_user": (
                _alt("also|instead|additionally|finally|secretly|quietly|then")
                + r"\s*,?\s+"
                + _alt("tell|inform|convince|persuade|recommend to|advise|instruct|urge|ask")
                + r"\s+the\s+"
                + _alt("user|reader|human|customer"),
                0.35,
                0.8,
            ),
            "user_wants_you_to": (
                _seq(
                    _alt("the"),
                    _alt("user|human|owner|admin"),
                    r"(?:has\s+)?(?:also\s+)?"
                    + _alt("wants|asked|requested|would like|instructed|authori[sz]ed|needs"),
                    _alt("you"),
                    _alt("to"),
                ),
                0.3,
                0.75,
            ),
        },
    )


_RULES: dict[str, _Rule] = {
    f"{rule.family}_{rule.name}": rule
    for rule in (
        *_override_rules(),
        *_persona_rules(),
        *_extraction_rules(),
        *_template_rules(),
        *_context_break_rules(),
        *_many_shot_rules(),
        *_addressed_rules(),
    )
}
# Small PatternSets (a family's rules, at most _RULES_PER_SET per set), not one for all. RE2
# builds its DFA lazily, state by state, and the gapped patterns of many rules together make so
# many distinct states that long texts keep building new ones (or overflow the budget and fall
# back to the NFA). Measured on 400 in-the-wild jailbreak prompts, first pass: one set for all
# 2.3 ms, one per family 1.5 ms, sets of 16-20 rules 0.55 ms p50 per text.
_RULES_PER_SET = 16


def _scanners() -> tuple[PatternSet, ...]:
    sets = []
    for family in FAMILIES:
        keys = [key for key, rule in _RULES.items() if rule.family == family]
        for i in range(0, len(keys), _RULES_PER_SET):
            chunk = {key: _RULES[key].pattern for key in keys[i : i + _RULES_PER_SET]}
            sets.append(PatternSet(chunk, ignore_case=True))
    return tuple(sets)


_SCANNERS = _scanners()

# --- scoring -------------------------------------------------------------------------------

_INDIRECT_SURFACES = frozenset({"retrieved", "tool_call"})
_OBFUSCATION_BONUS = 0.1  # a hit that only shows after decoding: hiding it is a signal too
_CORROBORATION = 0.5  # how much each other distinct rule that fired lends to a finding
# Bounds on the Python work an adversarial text can cause (each set is still scanned in full).
_MAX_MATCHES_PER_SET = 2000
_MAX_FINDINGS_PER_RULE = 5
_MAX_FINDINGS = 50
_VIEW_NOTES = {
    "despaced": "in spaced-out letters",
    "base64": "in base64 payload",
    "hex": "in hex payload",
    "url": "in URL-encoded payload",
    "rot13": "in rot13 text",
    "tags": "in invisible Unicode tag characters",
    "leet": "in leetspeak",
}
_HIDDEN_CHARS_NOTE = "after removing hidden or look-alike characters"

# "Ignore my previous message": people retract their own words; that is not an attack.
_SELF_REFERENCE = PatternSet(
    {
        "mine": _alt(
            "my|our|mon|ma|mes|notre|nos|mein(?:e|en|er)?|unser(?:e|en)?|mis?|nuestr[oa]s?|"
            "meus?|minhas?|nosso|miei|mie?|mio|nostr[oie]"
        )
    },
    ignore_case=True,
)
_SELF_REFERENCE_SCORE = 0.25
# What follows a fake end-of-context marker when it is a trick rather than a document footer.
_FOLLOW_WINDOW = 300
_FOLLOW_CUES = PatternSet(
    {
        "cue": _alt(
            "ignor\\w*|disregard|forget|override|vergiss|oublie\\w*|olvida\\w*|esque[cç]a|"
            "spell-? ?check|"
            "(?:print|output|reveal|repeat|show)\\s+(?:\\w+\\s+){0,2}(?:above|prompt)|"
            "dimentica\\w*|new (?:instructions?|task|rules|prompt|directives?|orders)|"
            "(?:nouvelles?|neue|nuevas?|novas?|nuove?) (?:instructions?|consignes|Anweisungen|"
            "Aufgabe|instrucciones|instruções|istruzioni)|instructions?\\s*:|"
            "your (?:new |real |actual |next )?(?:task|job|goal|instructions?|role)|"
            "you (?:are now|must now|will now|must|should now)|(?:real|actual) instructions|"
            "system\\s*:|assistant\\s*:|important\\s*:|(?:print|output|reveal|repeat) "
            "(?:your|the system)"
        )
    },
    ignore_case=True,
)
_END_MARKER_WITH_CUE = 0.8
# An attack phrase quoted or cited in a text about attacks ("why is 'ignore previous
# instructions' dangerous?", "attacks such as ignore previous instructions") is talk about
# injection, not injection.
_QUOTES_OPEN = frozenset("\"'“‘«`")
_QUOTES_CLOSE = frozenset("\"'”’»`")
_MENTION_WINDOW = 40
_MENTION_CUE = PatternSet(
    {
        "cue": _alt(
            "such as|like|e\\.g\\.|for example|for instance|the phrase|phrases|the words?|"
            "the string|the sentence|prompts? like|called|named|known as|means?|meaning of|"
            "what does|types? of|kinds? of|says?|saying|including"
        )
        + r"\s*[:\"'“‘«`]?\s*$"
    },
    ignore_case=True,
)
_DISCUSSION = PatternSet(
    {
        "talk": _alt(
            "prompt injections?|injection attacks?|jailbreaks?|attacks?|attackers?|examples?|"
            "phrases?|what does|what happens|means?|meaning|detect\\w*|defen[cd]\\w*|classif\\w*|"
            "filters?|red[- ]team\\w*|security|such as|e\\.g\\.|for instance|dangerous|risks?|"
            "why|explain\\w*|describe\\w*"
        )
    },
    ignore_case=True,
)
_DISCUSSION_FACTOR = 0.5
# Many-shot: alternations of speaker turns, and what they score.
_QA_LABELS = frozenset(("q", "question", "a", "answer", "response"))  # FAQ-like, not role turns
_MANY_SHOT_SCORES = ((16, 0.9, 0.75), (8, 0.75, 0.55), (4, 0.55, 0.4))  # pairs, roles, Q/A
_FAKE_DIALOGUE = _Rule("many_shot", "fake_dialogue", "", 0.0, 0.0)
_LABEL = re.compile(r"[A-Za-z]+")

# Leetspeak ("1gn0r3 pr3v10u5 1n57ruc710n5"): digits and symbols standing in for letters inside
# words. The normalizer does not undo it, so this detector reads a folded copy of the main view
# (same length, same offset map) when at least two words look like it.
_LEET_TABLE = str.maketrans("0134567890@$€+|", "oieasgtbgoaseti")
_LEET_HINT = PatternSet({"leet": r"[A-Za-z][0-9@$€+]+[A-Za-z]|\b[0-9][A-Za-z]{3,}"})
_LEET_TOKEN = re.compile(r"[A-Za-z0-9@$€+|]*[A-Za-z][A-Za-z0-9@$€+|]*")


@dataclass(slots=True)
class _Hit:
    rule: _Rule
    start: int
    end: int
    score: float
    note: str


@dataclass(frozen=True, slots=True)
class _Turn:
    start: int
    end: int
    user: bool
    role_label: bool  # "User:"/"Assistant:" rather than "Q:"/"A:"


def _leet_view(main: View) -> View | None:
    hints = _LEET_HINT.finditer(main.text)
    if next(hints, None) is None or next(hints, None) is None:
        return None
    folded = _LEET_TOKEN.sub(lambda m: m.group().translate(_LEET_TABLE), main.text)
    return View("leet", folded, main.starts, main.ends, main.span)


def _obfuscation_note(view: View, text: str, vstart: int, vend: int, start: int, end: int) -> str:
    """How the match was hidden, or "" when it reads the same in the original."""
    if view.span is None and view.text[vstart:vend] == text[start:end]:
        return ""
    return _VIEW_NOTES.get(view.kind, _HIDDEN_CHARS_NOTE)


def _is_mentioned(view_text: str, start: int, end: int) -> bool:
    """Whether the match is quoted (a quote opens right before it and closes on the same line)
    or cited ("such as", "the phrase", "what does" right before it)."""
    before = view_text[max(0, start - _MENTION_WINDOW) : start]
    stripped = before.rstrip()
    if stripped and stripped[-1] in _QUOTES_OPEN:
        line_end = view_text.find("\n", end)
        stop = end + 80 if line_end < 0 else min(line_end, end + 80)
        if any(c in _QUOTES_CLOSE for c in view_text[end - 1 : stop]):
            return True
    return _MENTION_CUE.search(before)


def _base_score(rule: _Rule, match_text: str, view_text: str, end: int, indirect: bool) -> float:
    """The rule's score on this surface, adjusted by what only Python can check."""
    score = rule.indirect_score if indirect else rule.score
    if rule.name.startswith(("ignore_", "forget_")) and _SELF_REFERENCE.search(match_text):
        return min(score, _SELF_REFERENCE_SCORE)
    if rule.name == "end_marker" and _FOLLOW_CUES.search(view_text[end : end + _FOLLOW_WINDOW]):
        return max(score, _END_MARKER_WITH_CUE)
    if rule.name == "eos_token" and "<s>" in view_text:
        return 0.2  # HTML strikethrough, not an end-of-sequence token
    return score


def _many_shot_hit(turns: list[_Turn]) -> _Hit | None:
    """One hit for the whole fake dialogue when user and assistant turns alternate often."""
    if len(turns) < 2 * _MANY_SHOT_SCORES[-1][0]:
        return None
    turns.sort(key=lambda t: t.start)
    pairs = sum(1 for a, b in pairwise(turns) if a.user and not b.user)
    role_labels = all(t.role_label for t in turns)
    for min_pairs, role_score, qa_score in _MANY_SHOT_SCORES:
        if pairs >= min_pairs:
            score = role_score if role_labels else qa_score
            note = f"{pairs} alternating {'role' if role_labels else 'Q/A'} turns"
            return _Hit(_FAKE_DIALOGUE, turns[0].start, turns[-1].end, score, note)
    return None


def _corroborate(hits: list[_Hit]) -> None:
    """Noisy-or: every other rule that fired elsewhere in the text raises a finding's score.

    Rules matching the same words are one piece of evidence, not two, so only hits that do not
    overlap the finding count, each rule once with its best score.
    """
    base = [hit.score for hit in hits]
    for hit in hits:
        best: dict[_Rule, float] = {}
        for other, score in zip(hits, base, strict=True):
            if other.rule is not hit.rule and (other.end <= hit.start or hit.end <= other.start):
                best[other.rule] = max(best.get(other.rule, 0.0), score)
        miss = 1.0 - hit.score
        for score in best.values():
            miss *= 1.0 - _CORROBORATION * score
        hit.score = min(0.99, 1.0 - miss)


def _scan(view: View, text: str, indirect: bool, hits: list[_Hit], turns: list[_Turn]) -> None:
    """Add the view's rule hits to ``hits`` and its speaker turns to ``turns``."""
    per_rule: dict[str, int] = {}
    for scanner in _SCANNERS:
        for m in islice(scanner.finditer(view.text), _MAX_MATCHES_PER_SET):
            rule = _RULES[m.name]
            lead = len(m.text) - len(m.text.lstrip())
            vstart, vend = m.start + lead, m.end
            start, end = view.to_original(vstart, vend)
            if rule.family == "many_shot":
                label = _LABEL.search(m.text)
                role_label = label is not None and label.group().lower() not in _QA_LABELS
                turns.append(_Turn(start, end, rule.name == _TURN_USER, role_label))
                continue
            if per_rule.get(m.name, 0) >= _MAX_FINDINGS_PER_RULE:
                continue
            per_rule[m.name] = per_rule.get(m.name, 0) + 1
            score = _base_score(rule, m.text, view.text, vend, indirect)
            if _is_mentioned(view.text, vstart, vend) and _DISCUSSION.search(view.text):
                score *= _DISCUSSION_FACTOR
            note = _obfuscation_note(view, text, vstart, vend, start, end)
            if note:
                score = min(0.99, score + _OBFUSCATION_BONUS)
            hits.append(_Hit(rule, start, end, score, note))


def _strongest(hits: list[_Hit]) -> list[_Hit]:
    """Per family, the best-scoring hit wherever hits overlap (the first found on a tie, so a
    plain-text hit beats its copy in a derived view), at most a few per rule and overall."""
    kept: list[_Hit] = []
    per_rule: dict[_Rule, int] = {}
    for hit in sorted(hits, key=lambda h: -h.score):
        if per_rule.get(hit.rule, 0) >= _MAX_FINDINGS_PER_RULE:
            continue
        family = hit.rule.family
        if any(k.rule.family == family and k.start < hit.end and hit.start < k.end for k in kept):
            continue
        per_rule[hit.rule] = per_rule.get(hit.rule, 0) + 1
        kept.append(hit)
        if len(kept) == _MAX_FINDINGS:
            break
    return kept


# Below this a model-only score is not worth a finding (rule findings are always reported).
_MODEL_MIN_SCORE = 0.05


class InjectionParams(DetectorParams):
    """``model: true`` adds the lite model to the rules. Off by default: on sources it never
    saw it catches more than the rules alone in most cases, but at 0.5 it also flags more benign
    text (1.5% of unseen instructions against about 0.2%; see its model card)."""

    model: bool = False


class PromptInjectionDetector(Detector[InjectionParams]):
    """Prompt-injection and jailbreak detection: rules over every normalizer view, optionally
    combined with the shipped lite model into one calibrated probability.

    With ``model: true``, every rule finding is scored ``P(attack | model margin, its rule
    score)`` by the combiner fitted in training, and a text no rule fired on gets one whole-text
    finding when the model alone makes it likely enough to mention.
    """

    name = "prompt_injection"
    categories = ("prompt_injection", "jailbreak")
    description = (
        "Instruction overrides, persona jailbreaks (DAN, developer mode), system-prompt "
        "extraction, fake chat-template turns, fake end-of-context markers, many-shot dialogues "
        "and instructions addressed to the AI inside documents, in six languages and through "
        "encodings."
    )
    params_model = InjectionParams

    def detect(self, text: str, context: Context) -> list[Finding]:
        if not text:
            return []
        indirect = context.surface in _INDIRECT_SURFACES
        hits: list[_Hit] = []
        views = context.normalized(text).views
        leet = [folded for v in views if (folded := _leet_view(v)) is not None]
        for view in (*views, *leet):
            turns: list[_Turn] = []  # a dialogue counts in one view; decoded views repeat it
            _scan(view, text, indirect, hits, turns)
            dialogue = _many_shot_hit(turns)
            if dialogue is not None and not any(h.rule is _FAKE_DIALOGUE for h in hits):
                hits.append(dialogue)
        hits = _strongest(hits)
        _corroborate(hits)
        findings = [self._finding(hit) for hit in sorted(hits, key=lambda h: (h.start, h.end))]
        return self._with_model(text, context, findings) if self.params.model else findings

    def _with_model(self, text: str, context: Context, findings: list[Finding]) -> list[Finding]:
        model = load_shipped(self.name)
        logit = model.window_logit(context.grams(text))
        if findings:
            return [replace(f, score=round(model.combined(logit, f.score), 4)) for f in findings]
        alone = model.combined(logit, 0.0)
        if alone < _MODEL_MIN_SCORE:
            return []
        model_finding = Finding(
            detector=self.name,
            category="prompt_injection",
            score=round(alone, 4),
            start=0,
            end=len(text),
            rule="model.prompt_injection",
            evidence=f"Lite model: injection or jailbreak language (probability {alone:.2f})",
        )
        return [model_finding]

    def _finding(self, hit: _Hit) -> Finding:
        family = FAMILIES[hit.rule.family]
        name, _, lang = hit.rule.name.rpartition("_")
        label = f"{name.replace('_', ' ')} ({lang})" if lang in LANGUAGES else hit.rule.name
        evidence = f"{family.title}: {label.replace('_', ' ')}"
        if hit.note:
            evidence += f"; {hit.note}"
        return Finding(
            detector=self.name,
            category=family.category,
            score=round(hit.score, 4),
            start=hit.start,
            end=hit.end,
            rule=f"{hit.rule.family}.{hit.rule.name}",
            evidence=evidence,
        )
