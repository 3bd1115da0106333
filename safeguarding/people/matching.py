"""Name keys and similarity for finding a child despite typos, nicknames, swapped names
and former surnames. Used by search (people/selectors.py); identity linkage builds on it."""

import unicodedata
from functools import lru_cache

import jellyfish
from nicknames import NickNamer

_nicknamer = NickNamer()

# Latin letters that Unicode does not decompose into a base letter plus an accent, so NFKD
# alone would drop them ("Łukasz" would become "ukasz", "Strauß" "strau"). Polish, Nordic,
# German, Vietnamese and Turkish names are common in English schools.
_TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "Ł": "L",
        "ł": "l",
        "Ø": "O",
        "ø": "o",
        "Đ": "D",
        "đ": "d",
        "Ð": "D",
        "ð": "d",
        "Þ": "Th",
        "þ": "th",
        "Æ": "Ae",
        "æ": "ae",
        "Œ": "Oe",
        "œ": "oe",
        "\u0131": "i",  # dotless i (Turkish)
        "Ħ": "H",
        "ħ": "h",
    }
)

# Diminutives common in England that the `nicknames` package (built from US records) lacks
# or links only partly: formal name -> the names a child is often recorded under instead.
# Reviewed by hand; only well-established pairs, because each one widens every search.
BRITISH_NICKNAMES: dict[str, tuple[str, ...]] = {
    "alexander": ("alex", "alec", "sandy", "sasha", "xander", "lex", "zander"),
    "alexandra": ("alex", "alexa", "lexi", "lexie", "sandy", "sasha"),
    "alfred": ("alf", "alfie", "fred", "freddie", "freddy"),
    "amelia": ("millie", "milly"),
    "archibald": ("archie", "arch"),
    "benjamin": ("ben", "benji", "benny"),
    "catherine": ("cat", "cath", "cathy", "kate", "katie", "kitty"),
    "charles": ("charlie", "chas", "chaz", "chuck"),
    "charlotte": ("charlie", "lottie", "lotty", "lotte"),
    "christopher": ("chris", "kit"),
    "daniel": ("dan", "danny"),
    "edward": ("ed", "eddie", "ned", "ted", "teddy"),
    "eleanor": ("ellie", "nell", "nellie", "nora"),
    "elizabeth": ("beth", "betsy", "betty", "eliza", "elsie", "libby", "liz", "lizzie", "lizzy"),
    "eve": ("evie",),
    "evelyn": ("evie", "eve"),
    "florence": ("flo", "florrie", "flossie"),
    "frederick": ("fred", "freddie", "freddy"),
    "harriet": ("hattie", "harri"),
    "henry": ("hal", "harry"),
    "isabel": ("bella", "belle", "isa", "issy", "izzy", "izzie"),
    "isabella": ("bella", "belle", "isa", "issy", "izzy", "izzie"),
    "isabelle": ("bella", "belle", "isa", "issy", "izzy", "izzie"),
    "jacob": ("jake",),
    "james": ("jamie", "jim", "jimmy"),
    "john": ("jack", "johnny", "jonny"),
    "jonathan": ("jon", "jonny"),
    "joseph": ("joe", "joey"),
    "josephine": ("jo", "josie"),
    "katherine": ("kate", "katie", "kath", "kathy", "kitty"),
    "margaret": ("maggie", "maisie", "meg", "peggy", "madge", "daisy"),
    "matilda": ("tilly", "tillie", "tilda"),
    "matthew": ("matt", "matty"),
    "michael": ("mick", "mickey", "mike", "mikey"),
    "nathaniel": ("nat", "nate"),
    "oliver": ("ollie", "olly"),
    "olivia": ("liv", "livvy", "livia", "ollie"),
    "penelope": ("penny", "poppy"),
    "rebecca": ("becca", "becky", "bex"),
    "robert": ("bob", "bobby", "rob", "robbie"),
    "samuel": ("sam", "sammy"),
    "theodore": ("ted", "teddy", "theo"),
    "thomas": ("tom", "tommy"),
    "victoria": ("tori", "vicky", "vikki"),
    "william": ("bill", "billy", "liam", "will", "wills"),
    "zachary": ("zac", "zach", "zack"),
}
_BRITISH_CANONICALS: dict[str, set[str]] = {}
for _formal, _nicks in BRITISH_NICKNAMES.items():
    for _nick in _nicks:
        _BRITISH_CANONICALS.setdefault(_nick, set()).add(_formal)


# The length of ChildName.first_key and last_key: folding can lengthen a name ("ß" -> "ss").
NAME_KEY_LENGTH = 100


@lru_cache(maxsize=100_000)  # names repeat: search scores thousands of rows per query
def name_key(name: str) -> str:
    """Lower case letters only, accents folded: "O'Brien-Smith" -> "obriensmith". At most
    NAME_KEY_LENGTH letters, so that every name a system holds fits the key's column."""
    folded = unicodedata.normalize("NFKD", (name or "").translate(_TRANSLITERATE))
    ascii_only = folded.encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_only.lower() if ch.isalpha())[:NAME_KEY_LENGTH]


def sound_key(name: str) -> str:
    key = name_key(name)
    return jellyfish.metaphone(key)[:20] if key else ""


@lru_cache(maxsize=20_000)
def name_variants(first_name: str) -> frozenset[str]:
    """The name keys a first name may be recorded as: itself, its formal names and their
    other diminutives (Alex -> Alexander, Alexandra, Sasha, Sandy ...)."""
    key = name_key(first_name)
    if not key:
        return frozenset()
    variants = {key}
    canonicals = _nicknamer.canonicals_of(key) | _BRITISH_CANONICALS.get(key, set()) | {key}
    for canonical in canonicals:
        variants.add(name_key(canonical))
        variants.update(name_key(n) for n in _nicknamer.nicknames_of(canonical))
        variants.update(BRITISH_NICKNAMES.get(canonical, ()))
    return frozenset(v for v in variants if v)


@lru_cache(maxsize=20_000)
def direct_name_variants(first_name: str) -> frozenset[str]:
    """The name itself, its formal names and its own diminutives (Alex -> Alexander, Alexandra;
    Alexander -> Alex, Sasha), but not the other diminutives of its formal names (Alex is not
    Sasha here): two diminutives of one name are weaker evidence (Ellie and Ella may be twins)."""
    key = name_key(first_name)
    if not key:
        return frozenset()
    variants = {key}
    variants.update(name_key(n) for n in _nicknamer.canonicals_of(key))
    variants.update(name_key(n) for n in _nicknamer.nicknames_of(key))
    variants.update(_BRITISH_CANONICALS.get(key, ()))
    variants.update(BRITISH_NICKNAMES.get(key, ()))
    return frozenset(v for v in variants if v)


def similarity(a: str, b: str) -> float:
    """Jaro-Winkler on name keys, 0..1."""
    if not a or not b:
        return 0.0
    return jellyfish.jaro_winkler_similarity(a, b)


def first_name_similarity(query: str, candidate_key: str) -> float:
    key = name_key(query)
    if key == candidate_key:
        return 1.0
    spelling = similarity(key, candidate_key)
    if candidate_key in name_variants(query):
        return max(0.95, spelling)
    return spelling


def last_name_similarity(query: str, candidate_key: str, candidate_raw: str = "") -> float:
    q = name_key(query)
    if q == candidate_key:
        return 1.0
    # Double-barrelled: "Smith" finds "Smith-Jones" and "Jones Smith".
    if candidate_raw and ("-" in candidate_raw or " " in candidate_raw):
        parts = [name_key(p) for p in candidate_raw.replace("-", " ").split()]
        if q and q in parts:
            return 0.93
    return similarity(q, candidate_key)
