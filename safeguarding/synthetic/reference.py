"""Reference data for the synthetic local authority: names, places, proportions, wording.

Everything here is fictional. The town of Brackenford does not exist, and its postcode area
"BK" is not a real one (no Royal Mail area starts BK), so no generated address can be a real
home. NHS numbers are drawn from the 999 range that NHS England keeps for test data.

Proportions and their sources
-----------------------------
- Ethnicity: approximately the pupil population of state-funded schools in England
  (DfE "Schools, pupils and their characteristics" 2023/24: White British about 63%, any
  other White background about 8%, Asian about 12%, Black about 6%, mixed about 7%).
  UNCONFIRMED to the decimal; realistic, not authoritative.
- Disability: about 7% of children (brief; the CIN census codes are in people/codes.py).
- Child protection plan categories: DOMAIN.md "National figures" (initial category
  neglect ~50%, emotional ~36%, physical ~7%, sexual ~4%, multiple ~3%).
- Child protection plan lengths: DOMAIN.md "National figures" (<=3 months 16%, 3-6 months
  11%, 6-12 months 44%, 1-2 years 25%, 2+ years 4%), used for how long open plans have run.
- Children's first names: the kind of names given in England and Wales in 2007-2025 (ONS
  "Baby names" top lists), by sex; adults' names: Faker's en_GB lists.
"""

# --- The place -------------------------------------------------------------------------

TOWN = "Brackenford"
LA_NAME = "Brackenford Council"
POSTCODE_AREA = "BK"
POSTCODE_DISTRICTS = 9  # BK1 ... BK9
# Letters allowed in the last two characters of a UK postcode (no C, I, K, M, O, V).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# DfE LA number used in UPNs. 999 is not a real local authority.
LA_NUMBER = "999"
# NHS England's test-data range: real patients never have numbers beginning 999.
NHS_TEST_PREFIX = "999"

STREET_STEMS = (
    "Acorn", "Alder", "Albert", "Ash", "Aspen", "Bank", "Barley", "Beech", "Birch", "Bracken",
    "Bridge", "Brook", "Castle", "Cedar", "Chapel", "Cherry", "Church", "Clover", "Coronation",
    "Cromwell", "Dale", "Elm", "Fairfield", "Fern", "Field", "Foundry", "Garden", "Glebe", "Green",
    "Hawthorn", "Hazel", "Heather", "High", "Highfield", "Hill", "Holly", "Ivy", "Jubilee", "Kingfisher",
    "Lark", "Laurel", "Lime", "Linden", "Maple", "Market", "Meadow", "Mill", "Moor", "Nelson", "New",
    "North", "Oak", "Orchard", "Park", "Pear", "Pine", "Poplar", "Primrose", "Priory", "Queen",
    "Railway", "Rectory", "Rose", "Rowan", "School", "Sheep", "Spring", "Station", "Stone", "Sycamore",
    "Tanners", "Thistle", "Tower", "Union", "Vale", "Victoria", "Walnut", "Water", "Weaver", "Well",
    "West", "Willow", "Windmill", "Wood", "Yew",
)  # fmt: skip
STREET_KINDS = (
    "Road", "Street", "Lane", "Close", "Avenue", "Drive", "Way", "Crescent", "Gardens", "Grove",
    "Place", "Terrace", "Court", "Rise", "View",
)  # fmt: skip
BLOCK_NAMES = (
    "Calder House", "Pennine Court", "Weaver House", "Kestrel Court", "Ribble House", "Heron Court",
    "Mercer House", "Swan Court", "Lowry House", "Aire Court", "Brunel House", "Darwin Court",
)  # fmt: skip

# --- Agencies ------------------------------------------------------------------------------

SCHOOL_STEMS = (
    "Abbey", "All Saints", "Ashfield", "Beechwood", "Brackenford", "Brookside", "Castle Hill", "Chapel End",
    "Cherry Tree", "Christ Church", "Eastfield", "Elmwood", "Fairfield", "Forest", "Greenacres",
    "Hawthorn", "Heathfield", "Highfield", "Hillside", "Holy Trinity", "Kingsway", "Lakeside", "Larkrise",
    "Meadowbank", "Millbrook", "Moorside", "Northgate", "Oakfield", "Orchard", "Park View", "Parkside",
    "Queensbury", "Rosehill", "St Anne's", "St Joseph's", "St Mary's", "St Michael's", "St Peter's",
    "Southfield", "Springfield", "Stonebridge", "Sunnybank", "Thornton", "Valley", "Westfield",
    "Willowbrook", "Windmill Hill", "Woodlands",
)  # fmt: skip
PRIMARY_KINDS = ("Primary School", "Primary Academy", "Church of England Primary School", "Community Primary School")
SECONDARY_KINDS = ("High School", "Academy", "School", "Community College")
GP_STEMS = (
    "Ashgrove", "Bridge Street", "Brook Lane", "Cedar", "Elmtree", "Greenway", "Hollybank", "Kingsway",
    "Marketgate", "Millfield", "Northgate", "Oakwood", "Parkview", "Riverbank", "Southgate", "Station Road",
    "The Green", "Valley", "Westgate", "Willow",
)  # fmt: skip
GP_KINDS = ("Surgery", "Medical Practice", "Health Centre", "Family Practice")

# --- Children's names (ONS top names 2007-2025, England and Wales) -------------------------

BOYS = (
    "Oliver", "George", "Noah", "Arthur", "Harry", "Leo", "Muhammad", "Jack", "Charlie", "Oscar",
    "Jacob", "Henry", "Freddie", "Alfie", "Theo", "Thomas", "Theodore", "Archie", "Joshua", "William",
    "James", "Isaac", "Lucas", "Finley", "Alexander", "Max", "Ethan", "Mason", "Harrison", "Samuel",
    "Daniel", "Logan", "Riley", "Tommy", "Teddy", "Reggie", "Albie", "Edward", "Joseph", "Dylan",
    "Benjamin", "Jayden", "Lewis", "Callum", "Kai", "Tyler", "Liam", "Jake", "Ryan", "Connor",
    "Kieran", "Bobby", "Frankie", "Louie", "Ronnie", "Sonny", "Jaxon", "Hugo", "Elijah", "Ezra",
    "Jude", "Rory", "Otis", "Arlo", "Hunter", "Roman", "Matthew", "Luke", "Adam", "Nathan",
    "Owen", "Zachary", "Aiden", "Reuben", "Stanley", "Frederick", "Harvey", "Toby", "Caleb", "Ellis",
)  # fmt: skip
GIRLS = (
    "Olivia", "Amelia", "Isla", "Ava", "Lily", "Freya", "Ivy", "Florence", "Mia", "Isabella",
    "Willow", "Grace", "Sophia", "Evie", "Poppy", "Ella", "Elsie", "Rosie", "Emily", "Ruby",
    "Sienna", "Charlotte", "Daisy", "Evelyn", "Millie", "Harper", "Maya", "Phoebe", "Matilda", "Jessica",
    "Chloe", "Sophie", "Lucy", "Holly", "Megan", "Ellie", "Leah", "Erin", "Scarlett", "Alexandra",
    "Elizabeth", "Lola", "Maisie", "Esme", "Hannah", "Amelie", "Imogen", "Layla", "Zara", "Isabelle",
    "Eva", "Aria", "Violet", "Bonnie", "Hallie", "Margot", "Thea", "Lottie", "Darcie", "Summer",
    "Abigail", "Molly", "Niamh", "Katie", "Amber", "Paige", "Courtney", "Libby", "Tilly", "Georgia",
)  # fmt: skip
MIDDLE_BOYS = ("James", "John", "David", "Lee", "Thomas", "William", "Michael", "Jay", "Alexander", "George")
MIDDLE_GIRLS = ("Rose", "May", "Grace", "Louise", "Marie", "Jane", "Elizabeth", "Ann", "Lily", "Mae")

# Name pools for families of other heritage: (boys, girls, surnames, adult men, adult women).
SOUTH_ASIAN = (
    ("Muhammad", "Mohammed", "Ibrahim", "Yusuf", "Ali", "Zayn", "Ayaan", "Rayyan", "Hamza", "Aryan", "Arjun", "Zain",
     "Adam", "Haris", "Idris"),
    ("Aisha", "Maryam", "Fatima", "Zara", "Inaya", "Aaliyah", "Hafsa", "Amira", "Anaya", "Priya", "Simran",
     "Khadija", "Zainab", "Safa", "Noor"),
    ("Khan", "Ahmed", "Hussain", "Ali", "Patel", "Rahman", "Iqbal", "Shah", "Akhtar", "Mahmood", "Singh",
     "Sharma", "Islam", "Miah", "Uddin", "Chowdhury", "Begum", "Mirza"),
    ("Imran", "Tariq", "Asif", "Sajid", "Rajesh", "Sanjay", "Abdul", "Nadeem", "Faisal", "Kamran"),
    ("Shazia", "Nasreen", "Farzana", "Sadia", "Anjali", "Reena", "Rubina", "Ayesha", "Samina", "Hina"),
)  # fmt: skip
BLACK = (
    ("Jayden", "Joshua", "Daniel", "Samuel", "David", "Emmanuel", "Tobi", "Kofi", "Malachi", "Elijah", "Isaac",
     "Jeremiah", "Nathaniel", "Tyrese", "Abdi"),
    ("Amara", "Grace", "Precious", "Abigail", "Favour", "Zuri", "Nia", "Adaeze", "Esther", "Blessing", "Kemi",
     "Tiana", "Hodan", "Naomi", "Shanice"),
    ("Okafor", "Adeyemi", "Mensah", "Osei", "Boateng", "Campbell", "Williams", "Brown", "Johnson", "Francis",
     "Mohamed", "Abdi", "Asante", "Oduya", "Clarke", "Ogunleye"),
    ("Chinedu", "Kwame", "Tunde", "Marcus", "Delroy", "Ahmed", "Emeka", "Winston", "Olu", "Andre"),
    ("Ngozi", "Abena", "Funmi", "Marcia", "Sandra", "Fadumo", "Chioma", "Yvonne", "Ama", "Patience"),
)  # fmt: skip
EASTERN_EUROPEAN = (
    ("Jakub", "Filip", "Szymon", "Antoni", "Mateusz", "Luca", "Andrei", "David", "Oskar", "Dominik"),
    ("Zuzanna", "Julia", "Maja", "Lena", "Alexandra", "Ana", "Maria", "Emilia", "Natalia", "Wiktoria"),
    ("Nowak", "Kowalski", "Wiśniewski", "Popescu", "Kamiński", "Lewandowski", "Ionescu", "Kazlauskas",
     "Horváth", "Zieliński", "Dąbrowski", "Petrov"),
    ("Marek", "Tomasz", "Piotr", "Ionut", "Mihai", "Darius", "Krzysztof", "Pavel"),
    ("Agnieszka", "Katarzyna", "Ioana", "Monika", "Elena", "Joanna", "Kristina", "Magdalena"),
)  # fmt: skip
CHINESE = (
    ("Ethan", "Ryan", "Jason", "Kevin", "Oscar", "Lucas", "Ho", "Wei"),
    ("Chloe", "Emily", "Grace", "Mei", "Ling", "Sophia", "Jasmine", "Amy"),
    ("Chen", "Wang", "Li", "Zhang", "Liu", "Wong", "Lee", "Cheung", "Chan", "Ng"),
    ("Wei", "Jun", "Kenneth", "Michael", "Hong", "Tony"),
    ("Mei", "Ying", "Li", "Helen", "Jenny", "Xiu"),
)  # fmt: skip

# Ethnicity code, weight (percent), name pool key.
ETHNICITIES = (
    ("WBRI", 63.0, "white"),
    ("WIRI", 0.3, "white"),
    ("WIRT", 0.1, "white"),
    ("WOTH", 7.6, "eastern"),
    ("WROM", 0.3, "eastern"),
    ("MWBC", 1.6, "white"),
    ("MWBA", 0.9, "black"),
    ("MWAS", 1.9, "white"),
    ("MOTH", 2.6, "white"),
    ("AIND", 3.7, "south_asian"),
    ("APKN", 4.8, "south_asian"),
    ("ABAN", 1.9, "south_asian"),
    ("AOTH", 2.1, "south_asian"),
    ("BCRB", 1.0, "black"),
    ("BAFR", 4.0, "black"),
    ("BOTH", 0.7, "black"),
    ("CHNE", 0.5, "chinese"),
    ("OOTH", 2.0, "white"),
    ("REFU", 0.5, "white"),
    ("NOBT", 0.5, "white"),
)

DISABILITY_RATE = 0.07
DISABILITIES = (("AUT", 30), ("LD", 25), ("COMM", 15), ("BEH", 12), ("MOB", 6), ("HEAR", 4), ("VIS", 3), ("DDA", 5))

# Spellings another agency's record may carry (recorded as aliases, as found in practice).
OTHER_SPELLINGS = {
    "Jayden": "Jaden", "Isabelle": "Isobel", "Sophie": "Sophy", "Leah": "Lea", "Aiden": "Aidan",
    "Muhammad": "Mohammed", "Mohammed": "Muhammad", "Freya": "Freja", "Kai": "Ky", "Zara": "Zarah",
    "Layla": "Leila", "Ellie": "Elly", "Callum": "Calum", "Niamh": "Neve", "Amelie": "Emilie",
    "Connor": "Conor", "Lewis": "Louis", "Aisha": "Ayesha", "Maya": "Maia", "Phoebe": "Pheobe",
}  # fmt: skip

# A formal first name and the name the child is known by (search finds either).
KNOWN_AS = {
    "Alexander": "Alex", "Alexandra": "Lexi", "William": "Will", "Oliver": "Ollie", "Thomas": "Tom",
    "James": "Jamie", "Joseph": "Joe", "Samuel": "Sam", "Benjamin": "Ben", "Daniel": "Danny",
    "Charlotte": "Lottie", "Elizabeth": "Libby", "Isabella": "Bella", "Olivia": "Liv", "Matilda": "Tilly",
    "Florence": "Flo", "Theodore": "Theo", "Frederick": "Freddie", "Edward": "Eddie", "Zachary": "Zach",
    "Matthew": "Matt", "Jessica": "Jess", "Abigail": "Abbie", "Nathaniel": "Nate", "Isabelle": "Izzy",
    "Margot": "Margo", "Jacob": "Jake", "Joshua": "Josh", "Katie": "Kate", "Hannah": "Annie",
}  # fmt: skip

# --- Pathway figures (DOMAIN.md "National figures") ---------------------------------------

# Children per 10,000 at the run date, by the household's status tier.
PER_10K = {
    "looked_after": 70,  # children looked after (~70 per 10,000)
    "cp_plan": 42,  # on a child protection plan (~41-43 per 10,000)
    "child_in_need": 221,  # other children in need: 333 in all, minus the plan and looked-after children
    "early_help": 300,  # open early help (local figures vary; the brief's ~300)
    "previously_known": 400,  # closed CIN or early help episodes in the past three years
    "concern": 900,  # a concern or two, no statutory involvement
    "routine": 2000,  # only routine contacts (GP, A&E, health visits, absences)
}
CP_CATEGORIES = (("NEG", 50), ("EMO", 36), ("PHY", 7), ("SAB", 4), ("MUL", 3))
# Days an open plan has run, from the distribution of plan lengths at end.
CP_LENGTH_BANDS = ((16, 14, 91), (11, 92, 182), (44, 183, 365), (25, 366, 730), (4, 731, 1000))

# Categories of a concern with no other story behind it (neglect, emotional abuse and
# domestic abuse are the commonest reasons for referral and for plans).
CONCERN_CATEGORIES = (
    ("neglect", 26),
    ("domestic_abuse", 20),
    ("emotional_abuse", 16),
    ("physical_abuse", 10),
    ("other", 8),
    ("online_harm", 5),
    ("sexual_abuse", 3),
    ("criminal_exploitation", 3),
    ("missing", 3),
    ("harm_outside_home", 3),
    ("sexual_exploitation", 2),
    ("radicalisation", 0.5),
    ("fgm", 0.3),
    ("trafficking", 0.2),
)
TEEN_ONLY_CATEGORIES = {
    "online_harm",
    "criminal_exploitation",
    "sexual_exploitation",
    "missing",
    "harm_outside_home",
    "radicalisation",
}
CP_CATEGORY_CONCERNS = {
    "NEG": ("neglect",),
    "EMO": ("emotional_abuse", "domestic_abuse"),
    "PHY": ("physical_abuse",),
    "SAB": ("sexual_abuse",),
    "MUL": ("neglect", "physical_abuse", "emotional_abuse", "domestic_abuse"),
}

# --- What practitioners write ---------------------------------------------------------------

CONCERN_TEXT = {
    "neglect": (
        "{name} arrived hungry again and ate two breakfasts at breakfast club. Uniform unwashed for the "
        "third day; {pronoun} said there was no food at home yesterday.",
        "{name} has untreated head lice and a tooth abscess that mother said she would get seen to two weeks ago.",
        "Home visit: very little food in the house, dog mess on the kitchen floor, {name}'s bed has no "
        "sheets. Mother says she is struggling since losing her job.",
        "{name} was collected 50 minutes late for the fourth time this half term; the adult collecting "
        "smelt of alcohol.",
        "{name} has missed three health appointments and immunisations are not up to date.",
    ),
    "domestic_abuse": (
        "{name} said that Mummy and her boyfriend were shouting and that {pronoun} hid under the bed.",
        "Mother attended with a black eye and said she walked into a door; {name} was with her and very quiet.",
        "{name} told staff that the police came to the house at the weekend because of a fight.",
        "Neighbour reported frequent arguments and banging at the address; children heard crying.",
    ),
    "emotional_abuse": (
        "{name} is very anxious about going home and says {pronoun} will be 'in trouble' for a low "
        "mark. Father heard calling {name} stupid at the gate.",
        "{name} is withdrawn, has stopped eating lunch and said nobody at home talks to {objpronoun}.",
        "Parent repeatedly shouts at and belittles {name} in public; {name} flinches when approached.",
    ),
    "physical_abuse": (
        "Bruising seen on {name}'s upper arm in the shape of fingertips. {name} said {pronoun} fell over.",
        "{name} has a mark on the cheek and said Dad hit {objpronoun} with a slipper.",
        "Burn on the back of {name}'s hand; explanations from parent and child do not match.",
    ),
    "sexual_abuse": (
        "{name} made a comment that suggests knowledge of sexual activity inappropriate for {posspronoun} "
        "age. Recorded verbatim and passed to the DSL.",
        "{name} disclosed that an older relative 'plays a secret game' with {objpronoun}.",
    ),
    "online_harm": (
        "{name} has been sent explicit images by an unknown adult on a gaming platform and was asked to "
        "send pictures back.",
        "{name} is being bullied in a group chat; messages include encouragement to self-harm.",
    ),
    "criminal_exploitation": (
        "{name} has new expensive trainers and two phones, and has been seen getting into cars with "
        "older young men after school.",
        "{name} said {pronoun} 'owes people' and cannot stop going to another town at weekends.",
    ),
    "sexual_exploitation": (
        "{name} has an 'older boyfriend' aged 22 who collects {objpronoun} from school; gifts of vapes and alcohol.",
    ),
    "missing": ("{name} went missing overnight and would not say where {pronoun} had been.",),
    "harm_outside_home": (
        "{name} was threatened with a knife in the park by a group of older teenagers; {pronoun} is "
        "scared to walk home.",
    ),
    "radicalisation": ("{name} has been sharing extremist material and expressing views supporting violence.",),
    "fgm": ("{name} talked about going abroad for 'a special ceremony to become a woman' in the holidays.",),
    "trafficking": ("{name} arrived recently with an adult who is not a parent; documents inconsistent.",),
    "other": (
        "{name} is caring for a parent with poor mental health and is very tired in class.",
        "{name} has been self-harming (superficial cuts to the forearm); first aid given.",
        "Family facing eviction; {name} is worried about where they will live.",
    ),
}
ACTIONS_TAKEN = (
    "Discussed with the designated safeguarding lead; monitoring.",
    "Spoke to parent at collection; to review in two weeks.",
    "Referred to the front door (MASH).",
    "Recorded and passed to the safeguarding lead; early help offered.",
    "Advice sought from the MASH consultation line.",
    "Shared with the child's social worker.",
)
CHILDS_WORDS = (
    "I don't want to go home tonight.",
    "Mummy was crying again.",
    "It's a secret, I'm not allowed to say.",
    "There's no food in the cupboard.",
    "I'm fine, just tired.",
    "He said he'd hurt me if I told.",
)
INJURY_REGIONS = ("head_front", "left_arm", "right_arm", "upper_back", "left_leg", "right_leg", "buttocks", "chest")

GP_TEXT = (
    "Seen with {carer}: cough and fever for three days. Viral; advice given.",
    "Ear pain; otitis media. Antibiotics prescribed.",
    "Asthma review; inhaler technique checked.",
    "Eczema flare; emollients prescribed.",
    "Seen with {carer}: poor sleep and low mood. Referred to school nurse.",
    "Did not attend booked appointment.",
    "Rash, not non-blanching; safety-netting advice given.",
    "Weight below expected; dietary advice and review in a month.",
)
GP_BABY_TEXT = (
    "Eight-week check: well baby, immunisations given.",
    "Baby brought by {carer}: reflux and unsettled feeding. Advice given.",
    "Nappy rash and oral thrush; treatment prescribed.",
)
HV_TEXT = (
    "Health visitor home contact: growth and development on track; {carer} coping well.",
    "Health visitor: 1-year review; speech slightly delayed, to review.",
    "Health visitor: 2-year review (ASQ-3); no concerns identified.",
    "Health visitor: {carer} reports low mood; EPDS completed and GP informed.",
    "Health visitor: no access visit; card left.",
    "Health visitor: home conditions cluttered and cold; advice given about safe sleep.",
)
AE_TEXT = (
    "Attended with {carer}: fall in the playground, head bump. No injury found; discharged.",
    "Attended with {carer}: high temperature. Discharged with advice.",
    "Attended with {carer}: wrist injury after falling off a trampoline. X-ray normal; sprain.",
    "Attended with {carer}: swallowed a coin. X-ray; passed through. Discharged.",
    "Attended with {carer}: asthma attack; nebulised and discharged.",
    "Attended with {carer}: cut to the forehead after a fall; glued.",
)
AE_INJURY_TEXT = (
    "Attended with {carer}: bruising to the face, explained as a fall down the stairs. Discharged.",
    "Attended with {carer}: burn to the forearm from a kettle. Dressed; follow-up in the burns clinic.",
    "Attended with {carer}: fractured wrist after a fall. Cast applied.",
    "Attended with {carer}: head injury; CT normal. Delay of a day before attending.",
)
AE_TEEN_TEXT = (
    "Attended alone: intoxicated, brought in by ambulance from the town centre at 01:30.",
    "Attended with a friend: self-harm (cuts to the forearm). Seen by the CAMHS liaison team.",
    "Attended: stab wound to the leg, would not say how it happened. Police informed.",
)
POLICE_DA_TEXT = (
    "Domestic abuse incident at the home address: verbal argument between adults, {child} present. "
    "DASH risk: standard.",
    "Domestic abuse incident: adult male arrested for assault on {carer}; {child} present in the house. "
    "DASH risk: medium.",
    "Domestic abuse notification: {carer} reported threats by ex-partner by text. Children not present.",
    "Domestic abuse incident: neighbours called police about screaming; officers attended, no arrests. "
    "DASH risk: high; referred to MARAC.",
)
POLICE_TEEN_TEXT = (
    "Stop and search: {child} found with a large amount of cash. No further action.",
    "{child} arrested for shoplifting with two older youths; released under investigation.",
    "{child} found in a known drug address during a warrant; taken home.",
)
ABSENCE_TEXT = (
    "Absent, no reason given (unauthorised). Attendance this term {pct}%.",
    "Absent: parent rang in to report illness. Attendance this term {pct}%.",
    "Late after registers closed (unauthorised). Attendance this term {pct}%.",
    "Absent for a family holiday in term time (unauthorised). Attendance this term {pct}%.",
)
MISSING_TEXT = (
    "Reported missing by {carer} at {time}; found the next afternoon in another town. Would not say "
    "where {pronoun} had been. Return home interview offered.",
    "Reported missing from home overnight; returned by {pronoun}self at 07:00. Return home interview offered.",
)
