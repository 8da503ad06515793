"""Playwright: type a sentence on the Transformer page, see its translation and a cross-attention heatmap."""

from tests.e2e.conftest import open_tab, wait_for_app


def test_translate_and_see_attention_heatmap(server, page, tmp_path):
    page.goto(f"{server}/transformer")
    wait_for_app(page, timeout=120_000)
    page.get_by_text("gli uomini vecchi non hanno comprato gli zaini nuovi").first.wait_for(timeout=60_000)
    page.screenshot(path="/work/shots/transformer-1.png", full_page=True)

    box = page.get_by_label("English sentence")
    box.fill("They did not wash the yellow umbrellas.")
    box.press("Enter")
    page.get_by_text("loro non hanno lavato gli ombrelli gialli").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.get_by_text("Beam search step by step").count() == 1

    open_tab(page, "Look inside")
    panel = page.locator('[role="tabpanel"]:visible')
    panel.get_by_text("Attention weights").wait_for()
    heatmaps = panel.locator('[data-testid="stVegaLiteChart"]')
    heatmaps.nth(1).wait_for(timeout=60_000)  # the attention heatmap and the positional-encoding matrix
    page.wait_for_timeout(1500)  # let vega draw before the screenshot
    page.screenshot(path="/work/shots/transformer-2.png", full_page=True)

    open_tab(page, "Attention sandbox")
    page.get_by_text("Attention from scratch").wait_for()
    page.wait_for_timeout(1500)
    page.screenshot(path="/work/shots/transformer-3.png", full_page=True)

    bad = tmp_path / "pairs.tsv"
    bad.write_text("Hello\tCiao\nthis line has no tab\n")
    open_tab(page, "Your data")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(bad))
    page.get_by_text("Line 2 has no tab").wait_for(timeout=60_000)
    page.screenshot(path="/work/shots/transformer-4.png", full_page=True)

    good = tmp_path / "ita.txt"
    good.write_text("\n".join(f"I see {i} cats.\tVedo {i} gatti.\tCC-BY 2.0 (France)" for i in range(60)) + "\n")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(good))
    page.get_by_text("60 sentence pairs read").wait_for(timeout=60_000)
    open_tab(page, "Train")
    page.get_by_text("Train on your 60 uploaded pairs").wait_for(timeout=30_000)
