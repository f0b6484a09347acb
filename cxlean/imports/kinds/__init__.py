"""The importer of each kind of import (`cxlean.imports.models.Kind`)."""

from cxlean.imports.kinds.answers import AnswerImporter
from cxlean.imports.kinds.base import Importer
from cxlean.imports.kinds.people import PeopleImporter
from cxlean.imports.kinds.records import RecordImporter
from cxlean.imports.models import Kind

IMPORTERS: dict[str, type[Importer]] = {
    Kind.PEOPLE: PeopleImporter,
    Kind.COMPETENCE_RECORDS: RecordImporter,
    Kind.SURVEY_ANSWERS: AnswerImporter,
}
