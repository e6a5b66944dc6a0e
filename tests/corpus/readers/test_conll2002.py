"""read_conll2002: space-separated CoNLL-2002 NER columns."""

from __future__ import annotations

import pytest

from xlt.corpus.readers.conll2002 import read_conll2002
from xlt.corpus.schema import validate_dataset, values
from xlt.errors import DataError


def test_read_docstart_blank_lines_and_index_ids(write):
    p = write("esp.train", "-DOCSTART- -DOCSTART- O\n\nEl DA O\nAbogado NC B-PER\nGeneral AQ I-PER\n\n\n"
                           "Madrid NC B-LOC\n")
    ds = validate_dataset(read_conll2002(p, lang="es"))
    assert ds[0] == {"id": "0", "lang": "es", "tokens": ["El", "Abogado", "General"], "tags": ["O", "B-PER", "I-PER"]}
    assert values(ds, "id") == ["0", "1"] and read_conll2002(p, lang="es", limit=1).num_rows == 1


def test_conll2003_four_columns(write):
    p = write("eng.train", "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n")
    assert read_conll2002(p, lang="en")[0]["tags"] == ["B-ORG", "O"]


def test_inconsistent_columns_names_line(write):
    p = write("esp.testa", "El DA O\n\nLa O\n")
    with pytest.raises(DataError, match="expected 3 space-separated columns .* found 2") as e:
        read_conll2002(p, lang="es")
    assert f"{p}:3:" in str(e.value)


def test_iob2_break_and_repair(write):
    p = write("esp.testb", ". Fp B-LOC\n\nSan AQ I-LOC\n")
    with pytest.raises(DataError, match="'I-LOC' does not continue a LOC entity") as e:
        read_conll2002(p, lang="es")
    assert f"{p}:3: field 'tag'" in str(e.value)
    assert read_conll2002(p, lang="es", repair=True)[1]["tags"] == ["B-LOC"]


# ---- real files ---------------------------------------------------------------------------------------------

ESP = {"esp.train": (8323, 264715, 18797, 221619), "esp.testa": (1915, 52923, 4351, 30882),
       "esp.testb": (1517, 51533, 3558, 9291)}  # sentences, tokens, B- tags (README) and the broken I- line


@pytest.mark.parametrize("name", sorted(ESP))
def test_real_conll2002_needs_one_repair(xlt_data, name):
    path = xlt_data / "conll2002" / name
    sentences, tokens, entities, broken = ESP[name]
    with pytest.raises(DataError) as e:
        read_conll2002(path, lang="es")
    assert e.value.line == broken
    ds = read_conll2002(path, lang="es", repair=True)
    tags = [t for sent in values(ds, "tags") for t in sent]
    # the repair turns one I- into a B-: one entity more than the README's count
    assert (ds.num_rows, len(tags), sum(t.startswith("B-") for t in tags)) == (sentences, tokens, entities + 1)
