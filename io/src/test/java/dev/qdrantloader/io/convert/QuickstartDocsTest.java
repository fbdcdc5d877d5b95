package dev.qdrantloader.io.convert;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.qdrantloader.transforms.model.Document;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every file of the quickstart corpus converts, with the title and format a reader expects. */
class QuickstartDocsTest {
  private static final Path DOCS = Path.of("../examples/quickstart/docs");

  private static final Map<String, ConvertedText> CONVERTED = new TreeMap<>();

  @BeforeAll
  static void convertAll() throws IOException, ConversionException {
    DocumentConverter converter = new DocumentConverter(ConversionLimits.defaults());
    List<Path> files;
    try (Stream<Path> listing = Files.list(DOCS)) {
      files = listing.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : files) {
      String name = file.getFileName().toString();
      CONVERTED.put(name, converter.convert(name, Files.readAllBytes(file)));
    }
  }

  @Test
  void everyFormatOfTheCorpusIsThere() {
    assertEquals(
        List.of(
            "chunking-documents.md",
            "conversion-failures.docx",
            "getting-started.md",
            "incremental-ingestion.pdf",
            "similarity_search.py",
            "vector-search-basics.md"),
        List.copyOf(CONVERTED.keySet()));
    CONVERTED.values().forEach(text -> assertFalse(text.text().isBlank()));
  }

  @Test
  void markdownPagesAreTitledByTheirHeading() {
    assertEquals(
        new Titled("Getting started with qdrant-loader", Document.FORMAT_MARKDOWN),
        titled("getting-started.md"));
    assertEquals(
        new Titled("Vector search basics", Document.FORMAT_MARKDOWN),
        titled("vector-search-basics.md"));
    assertEquals(
        new Titled("Chunking documents", Document.FORMAT_MARKDOWN),
        titled("chunking-documents.md"));
  }

  @Test
  void pdfKeepsItsTitleAndParagraphs() {
    ConvertedText pdf = CONVERTED.get("incremental-ingestion.pdf");

    assertEquals("Incremental ingestion: what a re-run re-embeds", pdf.title());
    assertEquals("application/pdf", pdf.mimeType());
    assertThat(pdf.text(), containsString("Stable document ids"));
    assertThat(pdf.text(), containsString("it converges on the same collection."));
  }

  @Test
  void docxKeepsItsTitleHeadingsAndTable() {
    ConvertedText docx = CONVERTED.get("conversion-failures.docx");

    assertEquals("When a file is not converted", docx.title());
    assertThat(docx.text(), containsString("Reasons and remedies"));
    assertThat(docx.text(), containsString("encrypted PDF (password protected)"));
    assertThat(docx.text(), containsString("a text layer before it can be searched."));
  }

  @Test
  void codeIsTextTitledByFileName() {
    ConvertedText code = CONVERTED.get("similarity_search.py");

    assertEquals(
        new Titled("similarity_search.py", Document.FORMAT_TEXT), titled("similarity_search.py"));
    assertEquals("text/x-python", code.mimeType());
    assertThat(code.text(), containsString("def search(points, query, limit=3, where=None):"));
  }

  private static Titled titled(String name) {
    ConvertedText text = CONVERTED.get(name);
    return new Titled(text.title(), text.format());
  }

  private record Titled(String title, String format) {}
}
