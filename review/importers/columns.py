"""Which spreadsheet column, in which vendor's export, feeds which record field.

Scopus, Embase, CINAHL, CENTRAL, PubMed, Lens, Covidence, Rayyan, Zotero,
IEEE, Springer, ClinicalTrials.gov, OpenAlex, RefWorks, Dimensions, Semantic
Scholar, ProQuest, Publish or Perish and the labelled screening data sets all
write a header row, each with its own names. Header names are compared
lower-cased, BOM-stripped and with whitespace collapsed (`normalise`). For
each field the candidates are listed best first: a row takes the first
candidate column that is not empty, so Scopus' "Author full names" wins over
its abbreviated "Authors" when both are filled.

Web of Science tab-delimited files use two-letter tags (PT AU … UT) whose
`ID` means Keywords Plus, not an identifier; they get their own table,
chosen when the header holds both `PT` and `UT`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

# Field names used below; `tabular.py` turns them into RecordDraft fields.
# Single-valued fields take the first non-empty candidate; KEYWORDS merges all.
TITLE = "title"
VERNACULAR_TITLE = "vernacular_title"
ABSTRACT = "abstract"
AUTHORS = "authors"
YEAR = "year"
DATE = "date"  # a year is read from it when no year column is filled
JOURNAL = "journal"
VOLUME = "volume"
ISSUE = "issue"
PAGES = "pages"
PAGE_START = "page_start"
PAGE_END = "page_end"
DOI = "doi"
PMID = "pmid"
SOURCE_ID = "source_id"
RECORD_TYPE = "record_type"
LANGUAGE = "language"
KEYWORDS = "keywords"
URL = "url"
ISSN = "issn"
REGISTRY_ID = "registry_id"  # only read for trial registrations
CITATION = "citation"  # PubMed's "Journal. Year;Vol(Issue):Pages" string

_GENERIC: dict[str, tuple[str, ...]] = {
    TITLE: (
        "title",
        "article title",
        "document title",
        "item title",
        "study title",
        "primary title",
        "display_name",  # OpenAlex
        "title primary",  # RefWorks
    ),
    VERNACULAR_TITLE: ("original title",),
    ABSTRACT: ("abstract", "abstract note", "brief summary"),
    AUTHORS: (
        "author full names",
        "author/s",
        "authors",
        "author",
        "author names",
        "author(s)",
        "author_full",
        "first author",
        "authorships.author.display_name",  # OpenAlex
        "authors, primary",  # RefWorks
    ),
    YEAR: (
        "year",
        "publication year",
        "published year",
        "pubyear",
        "py",
        "publication_year",
        "pub year",
    ),
    DATE: (
        "publication date",
        "pubdate",
        "date published",
        "date of publication",
        "date",
        "issue date",
        "start date",
        "publication_date",  # OpenAlex
        "publicationdate",  # Semantic Scholar
        "pub date free form",  # RefWorks
    ),
    JOURNAL: (
        "source title",
        "journal",
        "journal/book",
        "journal title",
        "publication title",
        "publicationname",
        "publication name",
        "publication",
        "publicationtitle",
        "container_title",
        "container-title",
        "secondary title",
        "booktitle",
        "primary_location.source.display_name",  # OpenAlex
        "host_venue.display_name",  # OpenAlex before 2023
        "periodical full",  # RefWorks
        "pubtitle",  # ProQuest
        "journal.name",  # Semantic Scholar
        "venue",
    ),
    VOLUME: ("volume", "journal volume", "biblio.volume", "journal.volume"),
    ISSUE: ("issue", "number", "issue number", "journal issue", "biblio.issue"),
    PAGES: ("pages", "pagination", "journal.pages"),
    PAGE_START: ("page start", "start page", "first page", "biblio.first_page", "startpage"),
    # RefWorks: "Other Pages" is the end page
    PAGE_END: ("page end", "end page", "last page", "biblio.last_page", "endpage", "other pages"),
    DOI: ("doi", "item doi", "doi link", "ids.doi", "externalids.doi"),
    PMID: (
        "pmid",
        "pubmed id",
        "pubmedid",
        "medline pmid",
        "pubmed_id",
        "ids.pmid",
        "externalids.pubmed",
    ),
    SOURCE_ID: (
        "eid",
        "ut (unique wos id)",
        "accession number",
        "embase accession id",
        "pui",
        "central id",
        "lens id",
        "covidence #",
        "storeid",
        "nct number",
        "record_id",
        "record id",
        "id",
        "key",
        "customid",
        "ids.openalex",
        "publication id",  # Dimensions
        "paperid",  # Semantic Scholar
    ),
    RECORD_TYPE: (
        "document type",
        "publication type",
        "doctype",
        "content type",
        "item type",
        "documenttype",
        "reference type",
        "referencetype",
        "entrytype",
        "type",
        "category",
        "publicationtypes",  # Semantic Scholar
        "articletype",  # ProQuest
    ),
    LANGUAGE: ("language", "language of original document", "article language"),
    KEYWORDS: (
        "author keywords",
        "keywords",
        "index keywords",
        "keywords plus",
        "mesh terms",
        "subjects",
        "manual tags",
        "automatic tags",
        "tags",
        "ieee terms",
        "mesh_terms",
        "subjectterms",
        "conditions",
        "emtree medical index terms",
        "emtree drug index terms",
        "keywords.display_name",  # OpenAlex
        "concepts.display_name",
        "topics.display_name",
        "mesh.descriptor_name",
        "fieldsofstudy",  # Semantic Scholar
    ),
    URL: (
        "url",
        "study url",
        "link",
        "plink",
        "full text link",
        "external url",
        "pdf link",
        "embase link",
        "primary_location.landing_page_url",  # OpenAlex
        "articleurl",  # Publish or Perish
        "documenturl",  # ProQuest
        "dimensions url",
    ),
    ISSN: ("issn", "issns", "eissn", "primary_location.source.issn_l"),
    REGISTRY_ID: ("nct number", "ctgov id", "ictrp id"),
    CITATION: ("citation",),
}

_WOS: dict[str, tuple[str, ...]] = {
    TITLE: ("ti",),
    ABSTRACT: ("ab",),
    AUTHORS: ("af", "au", "ca", "gp"),
    YEAR: ("py",),
    DATE: ("pd", "ea"),
    JOURNAL: ("so",),
    VOLUME: ("vl",),
    ISSUE: ("is",),
    PAGE_START: ("bp",),
    PAGE_END: ("ep",),
    DOI: ("di",),
    PMID: ("pm",),
    SOURCE_ID: ("ut",),
    RECORD_TYPE: ("dt", "pt"),
    LANGUAGE: ("la",),
    KEYWORDS: ("de", "id"),
    ISSN: ("sn", "ei"),
}

# Columns that are bulky or bookkeeping and would drown `extra`; never kept.
IGNORED: frozenset[str] = frozenset(
    {
        "references",
        "affiliations",
        "authors with affiliations",
        "author addresses",
        "author affiliations",
        "authoraddress",
        "correspondence address",
        "author(s) id",
        "cited by",
        "citing works count",
        "citing patents count",
        "article citation count",
        "patent citation count",
        "reference count",
        "funding texts",
        "open access",
        "abbreviated source title",
        "coden",
        "publication stage",
        "rank",
        "secondary outcome measures",
        "other outcome measures",
        "locations",
        "study documents",
        "pdfrelativepath",
        "file_name",
        "file attachments",
        "link attachments",
        "source urls",
        "open url link",
        "copyright",
        "date added",
        "date modified",
        "access date",
        "emtree drug index terms (major focus)",
        "emtree medical index terms (major focus)",
        "aip/ip entry date",
        "full record entry date",
        "results first posted",
        "last update posted",
        # OpenAlex: other works and ids, one long list per cell
        "referenced_works",
        "related_works",
        "counts_by_year",
        "abstract_inverted_index",
        "authorships.author.id",
        "authorships.institutions.display_name",
        "cited_by_count",
        # Publish or Perish: Google Scholar's citation bookkeeping
        "cites",
        "citesurl",
        "gsrank",
        "querydate",
        "citationurl",
        "relatedurl",
        "ecc",
        "citesperyear",
        "citesperauthor",
        "authorcount",
        # Dimensions, Semantic Scholar
        "times cited",
        "authors affiliations",
        "citationcount",
    }
)

_WOS_IGNORED = frozenset(
    {"c1", "c3", "rp", "em", "ri", "oi", "fx", "cr", "nr", "tc", "z9", "u1", "u2"}
    | {"pi", "pa", "j9", "ji", "ga", "da", "hc", "hp", "oa", "pg", "bf", "fn", "vr"}
)

# Cochrane CENTRAL names the journal "Source"; elsewhere "Source" is the
# database ("Scopus") or, in ASySD's benchmark, the gold-standard label.
_COCHRANE = {JOURNAL: (*_GENERIC[JOURNAL], "source")}
# Publish or Perish (Google Scholar) names the journal "Source" too; its
# "GSRank" and "CitesURL" columns say which file this is.
_PUBLISH_OR_PERISH = frozenset({"gsrank", "citesurl"})


class Table:
    """The column roles of one file's header."""

    def __init__(self, header: list[str]) -> None:
        names = [normalise(cell) for cell in header]
        present = set(names)
        wos = {"pt", "ut"} <= present
        roles = dict(_WOS if wos else _GENERIC)
        if not wos and ("central id" in present or _PUBLISH_OR_PERISH & present):
            roles.update(_COCHRANE)
        ignored = _WOS_IGNORED if wos else IGNORED
        self.header = header
        self.names = names
        self.is_wos = wos
        self.is_ctgov = "nct number" in present
        # Embase separates index terms with ", " rather than "; "
        self.comma_lists = bool({"embase accession id", "emtree medical index terms"} & present)
        # field -> column indexes, best candidate first
        self.columns: dict[str, list[int]] = {}
        mapped: set[int] = set()
        for field, candidates in roles.items():
            indexes = [i for c in candidates for i, n in enumerate(names) if n == c]
            if indexes:
                self.columns[field] = indexes
                mapped.update(indexes)
        self.extra = [i for i, n in enumerate(names) if i not in mapped and n and n not in ignored]
        self.extra_names = [(i, header[i].replace("\ufeff", "").strip()) for i in self.extra]
        """(index, name) of each extra column, the name as `extra` keeps it."""

    def has_title(self) -> bool:
        return TITLE in self.columns

    def known(self) -> int:
        """How many header cells we recognise; picks the delimiter and header row."""
        return sum(len(v) for v in self.columns.values())


def normalise(name: object) -> str:
    """`\\ufeff"Title "` → `title`: how header cells are compared."""
    text = str(name) if name is not None else ""
    return " ".join(text.replace("\ufeff", "").strip().strip('"').split()).lower()


def known_titles() -> str:
    """The title columns we recognise, for the refusal message."""
    return ", ".join(f'"{c}"' for c in _GENERIC[TITLE]) + ' (Web of Science: "TI")'


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TYPES: Mapping[str, str] = {
    "article": "journal article",
    "journal article": "journal article",
    "journal": "journal article",
    "j": "journal article",
    "research article": "journal article",
    "original article": "journal article",
    "article in press": "journal article",
    "review": "review",
    "review article": "review",
    "systematic review": "review",
    "conference paper": "conference paper",
    "proceedings paper": "conference paper",
    "conference proceedings article": "conference paper",
    "conference proceeding": "conference paper",
    "inproceedings": "conference paper",
    "conference": "conference paper",
    "conference abstract": "conference abstract",
    "meeting abstract": "conference abstract",
    "abstract": "conference abstract",
    "conference review": "conference review",
    "book": "book",
    "b": "book",
    "book chapter": "book chapter",
    "chapter": "book chapter",
    "incollection": "book chapter",
    "inbook": "book chapter",
    "book section": "book chapter",
    "blog post": "web page",
    "newspaper article": "newspaper article",
    "booksection": "book chapter",
    "editorial": "editorial",
    "editorial material": "editorial",
    "letter": "letter",
    "note": "note",
    "erratum": "erratum",
    "correction": "erratum",
    "short survey": "short survey",
    "data paper": "data paper",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "dissertation": "thesis",
    "report": "report",
    "techreport": "report",
    "preprint": "preprint",
    "patent": "patent",
    "p": "patent",
    "s": "book series",
    "webpage": "web page",
    "web page": "web page",
    "online": "web page",
    "trial registry record": "trial registration",
    "trial registration": "trial registration",
    "clinical trial registration": "trial registration",
    "interventional": "trial registration",
    "observational": "trial registration",
    "magazine": "magazine article",
    "magazine article": "magazine article",
    "case report": "case report",
    "case reports": "case report",
    "retracted": "retracted article",
    "retraction": "retraction",
    "dataset": "dataset",
}


@lru_cache(maxsize=512)
def record_type(label: str | None) -> str | None:
    """A vendor's document type as short human words (a file holds a few
    labels over and over: each is worked out once).

    `Article; Proceedings Paper` (WoS) takes its first part; unknown labels
    are kept, lower-cased, rather than guessed.
    """
    if not label:
        return None
    first = _CAMEL.sub(" ", label.split(";")[0].strip())  # Zotero: journalArticle
    key = " ".join(first.replace("_", " ").split()).lower()
    if not key:
        return None
    return _TYPES.get(key, key)
