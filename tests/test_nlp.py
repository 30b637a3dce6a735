"""The pinned spaCy model: the right one is installed, and it is loaded once."""

from nutgraf.facts import nlp


def test_installed_model_is_the_pinned_one():
    # A swapped or re-trained wheel would change every fact downstream: notice it.
    info = nlp.model_info()
    assert info["name"] == nlp.MODEL_NAME
    assert info["version"] == nlp.MODEL_VERSION
    assert info["spacy_version"] == ">=3.7.5,<3.9.0"  # as the official 3.8.0 release
    assert abs(info["ents_f"] - 0.8433) < 0.001


def test_model_loaded_once_per_process():
    assert nlp.load() is nlp.load()


def test_pipeline_has_the_components_facts_read():
    names = set(nlp.load().pipe_names)
    assert {"tagger", "parser", "nutgraf_attributes", "ner"} <= names
    # loaded but run by nutgraf itself: the attribute ruler after the pipe (same result),
    # the lemmatizer per token on demand (lemma())
    assert {"attribute_ruler", "lemmatizer"} <= set(nlp.load().component_names)


def test_lemma_on_demand():
    doc = nlp.parse("The ministers were saying that prices had risen.")
    lemmas = {t.text: nlp.lemma(t) for t in doc}
    assert lemmas["were"] == "be"
    assert lemmas["saying"] == "say"
    assert lemmas["ministers"] == "minister"
    assert lemmas["risen"] == "rise"


def test_parse_many_keeps_order():
    docs = list(nlp.parse_many(["First text.", "Second one here.", ""]))
    assert [d.text for d in docs] == ["First text.", "Second one here.", ""]


def test_attributes_match_the_models_own_attribute_ruler():
    import spacy

    # every kind of pattern the model's ruler holds: tag map, word + tag, word + dependency,
    # lists (IN / NOT_IN), regular expressions, two-token patterns that set the second
    # token, whitespace tokens
    text = ("She isn't sure, but they were told that it had been the ministry's plan. "
            "I'd say we're gonna see 3 more.   Prices rose 5% as officials said.\n\n"
            "Y'all ain't seen nothin' yet: there is more, c'mon, let's go. They told me I won, "
            "that you did it and it hurt you.  \t Whether or not this holds, those were gotta-go days. "
            "Do it! He has had enough, hasn't he? What did she do?")
    reference = spacy.load(nlp.MODEL_PACKAGE, disable=["lemmatizer"])(text)
    ours = nlp.parse(text)

    def attrs(doc):
        return [(t.text, t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in doc]

    assert attrs(nlp.load()(text)) == attrs(ours)  # the pipeline itself, not a wrapper
    assert attrs(ours) == attrs(reference)
    assert {t.lemma_ for t in ours} >= {"be", "not", "nothing", "you"}  # the exceptions fired


def test_attributes_fall_back_to_spacy_for_patterns_they_cannot_read():
    from nutgraf.facts.attribute_ruler import compile_alternative

    strings = nlp.load().vocab.strings
    assert compile_alternative([{"LOWER": "is", "TAG": "VBZ"}], strings) is not None
    assert compile_alternative([{"LENGTH": {">=": 3}}], strings) is None
    assert compile_alternative([{"LOWER": "a", "OP": "?"}], strings) is None
    assert compile_alternative([{"LOWER": {"FUZZY": "colour"}}], strings) is None


def test_lemma_in_agrees_with_lemma():
    # irregular forms (exception table), suffix rules, base forms, proper nouns, nouns
    doc = nlp.parse("The spokesmen said, told and wrote that children spoke; he denies it, "
                    "she is saying the quarters' figures were reported daily. Says Smith.")
    words = [frozenset({"say", "tell", "write", "speak", "deny", "report"}),
             frozenset({"child", "quarter", "figure", "spokesman"}), frozenset({"smith", "be"})]
    for tok in doc:
        for w in words:
            assert nlp.lemma_in(tok, w) == (nlp.lemma(tok) in w), (tok.text, tok.pos_)
    assert nlp.lemma_in(doc[2], words[0])  # said
    assert not nlp.lemma_in(doc[1], words[0])


def test_models_multiply_with_numpy_and_parse_as_with_blis():
    import spacy
    from thinc.api import NumpyOps

    loaded = nlp.load()
    nodes = [node for _n, c in loaded.components if hasattr(getattr(c, "model", None), "walk")
             for node in c.model.walk()]
    assert nodes and all(isinstance(n.ops, NumpyOps) and not n.ops.use_blis for n in nodes)

    text = ("Prime Minister Rishi Sunak said on Tuesday that 1,200 troops would be sent to "
            "Estonia, according to the Ministry of Defence. \"We stand with our allies,\" he told "
            "reporters in London. Shares in BAE Systems rose 3% to £6.40.")
    blis = spacy.load(nlp.MODEL_PACKAGE, disable=["lemmatizer"])(text)  # thinc's default ops
    ours = nlp.parse(text)
    assert [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in ours] == \
        [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in blis]


def test_blas_threads_limits_numpy_inside_the_block_only():
    import numpy  # noqa: F401 - the BLAS library is loaded with numpy
    from threadpoolctl import threadpool_info

    def blas():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas()
    with nlp.blas_threads(1):
        assert blas() and set(blas()) == {1}
    assert blas() == before


# --------------------------------------------------------------------------- size limits
# The facts pass is bounded by size and structure (issue 17, item 4): the same text gives the
# same facts whatever the machine's load.

ARTICLE = ("Vladimir Putin ordered a partial mobilisation in Moscow on Tuesday. \"We will not retreat,\" "
           "he said. Police arrested forty protesters, and prices rose 5% to $3.2 billion.\n\n"
           "The ministry said 1,200 people had been called up since March, according to officials.")


def _facts(article):
    return {k: [f.to_dict() for f in getattr(article, k)]
            for k in ("entities", "quotes", "amounts", "dates", "places", "events")}


def test_piece_bounds_cover_the_text_at_the_best_breaks():
    text = "aaaa bbbb. cccc\n\ndddd eeee\nffff gggg hhhh iiii"
    bounds = nlp.piece_bounds(text, 20)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(b - a <= 20 for a, b in bounds)
    assert all(b1 == a2 for (_, b1), (a2, _) in zip(bounds, bounds[1:]))
    assert text[:bounds[0][1]].endswith("\n\n")  # the paragraph break, not the later space
    assert nlp.piece_bounds("x" * 45, 20) == [(0, 20), (20, 40), (40, 45)]  # one unbroken word


def test_word_salad_gets_sentence_boundaries_every_cap():
    doc = nlp.parse(" ".join(["alpha", "bravo", "charlie"] * 200))  # 600 tokens, no sentence end
    assert doc.user_data["nutgraf_capped_sentences"] == 2
    assert doc[nlp.MAX_SENT_TOKENS].is_sent_start and doc[2 * nlp.MAX_SENT_TOKENS].is_sent_start
    assert max(len(s) for s in doc.sents) <= nlp.MAX_SENT_TOKENS


def test_ordinary_text_is_untouched_by_the_limits():
    import nutgraf

    bounded = nutgraf.analyze(ARTICLE, clean=False)
    with nlp.unbounded():
        whole = nutgraf.analyze(ARTICLE, clean=False)
    assert bounded.quotes and bounded.amounts and bounded.entities  # the comparison has facts in it
    assert _facts(bounded) == _facts(whole)
    assert not any(w.startswith("facts:") for w in bounded.warnings)


def test_long_text_parsed_in_pieces_keeps_its_offsets(monkeypatch):
    import nutgraf

    monkeypatch.setattr(nlp, "PIECE_CHARS", 400)
    text = "\n\n".join([ARTICLE] * 6)
    article = nutgraf.analyze(text, clean=False)
    doc = nlp.parse(text)
    assert doc.text == text and doc.user_data["nutgraf_pieces"] > 1
    assert any("parsed in" in w for w in article.warnings)
    # every fact's span is still the text it claims, in every piece
    assert len(article.quotes) == 6 * len(nutgraf.analyze(ARTICLE, clean=False).quotes)
    assert all(text[q.start:q.end] == q.text for q in article.quotes)
    assert all(text[a.start:a.end] == a.text for a in article.amounts)


def test_huge_one_line_text_is_bounded_with_a_warning_and_the_same_every_run(monkeypatch):
    import nutgraf

    # the real limits scaled down a hundredfold, so that the test stays fast: a 10 MB line
    monkeypatch.setattr(nlp, "MAX_CHARS", 10_000)
    monkeypatch.setattr(nlp, "PIECE_CHARS", 1_000)
    parsed: list[int] = []
    real_load = nlp.load

    def spy():
        pipeline = real_load()

        class Counting:
            def __call__(self, text):
                parsed.append(len(text))
                return pipeline(text)

            def __getattr__(self, name):
                return getattr(pipeline, name)
        return Counting()

    monkeypatch.setattr(nlp, "load", spy)
    line = ("Officials said 42 people were hurt " + "and nobody knows why " * 3) * 110_000
    line = line[:10_000_000]
    first = nutgraf.analyze(line, clean=False)
    second = nutgraf.analyze(line, clean=False)
    assert sum(parsed) == 2 * 10_000 and max(parsed) <= 1_000  # the size bound, piece by piece
    assert any("only the first 10,000 of 10,000,000 characters" in w for w in first.warnings)
    assert any("parsed in" in w for w in first.warnings)
    assert first.amounts and max(a.end for a in first.amounts) <= 10_000
    assert _facts(first) == _facts(second) and first.warnings == second.warnings
