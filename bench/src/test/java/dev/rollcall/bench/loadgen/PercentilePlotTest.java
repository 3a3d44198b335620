package dev.rollcall.bench.loadgen;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PercentilePlotTest
{
    @Test
    void shouldDrawOneLinePerSeriesInAWellFormedSvgWithLabelledAxes() throws Exception
    {
        final PercentilePlot.Series fast = new PercentilePlot.Series("fast <a & b>",
            new double[]{0, 50, 90, 99, 99.9, 100}, new double[]{5, 10, 20, 40, 80, 120});
        final PercentilePlot.Series slow = new PercentilePlot.Series("slow \"quoted\"",
            new double[]{0, 90, 99.99}, new double[]{1_000, 5_000, 250_000});
        final PercentilePlot.Series empty = new PercentilePlot.Series("empty", new double[0], new double[0]);

        final String svg = PercentilePlot.svg("Latency & more", List.of(fast, slow, empty));

        final Document document = parse(svg);
        assertThat(document.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(document.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        final NodeList lines = document.getElementsByTagName("polyline");
        assertThat(lines.getLength()).isEqualTo(2);
        assertThat(((Element)lines.item(0)).getAttribute("points").split(" ")).hasSize(6);
        assertThat(((Element)lines.item(1)).getAttribute("points").split(" ")).hasSize(3);
        assertThat(texts(document)).contains("Latency & more", "fast <a & b>", "slow \"quoted\"", "Percentile",
            "Latency", "0%", "90%", "99%", "99.9%", "99.99%", "1 \u00b5s", "1 ms", "1 s")
            .doesNotContain("empty", "99.999%");
    }

    @Test
    void shouldSpaceNinesEvenly()
    {
        assertThat(PercentilePlot.decades(0)).isEqualTo(0.0);
        assertThat(PercentilePlot.decades(90)).isCloseTo(1.0, within(1e-9));
        assertThat(PercentilePlot.decades(99)).isCloseTo(2.0, within(1e-9));
        assertThat(PercentilePlot.decades(99.9)).isCloseTo(3.0, within(1e-9));
        assertThat(PercentilePlot.decades(100)).isInfinite();
        assertThat(PercentilePlot.percentileLabel(5)).isEqualTo("99.999%");
    }

    @Test
    void shouldLabelLatencyDecadesInTheirUnit()
    {
        assertThat(PercentilePlot.latencyLabel(-3)).isEqualTo("1 ns");
        assertThat(PercentilePlot.latencyLabel(-1)).isEqualTo("100 ns");
        assertThat(PercentilePlot.latencyLabel(0)).isEqualTo("1 \u00b5s");
        assertThat(PercentilePlot.latencyLabel(2)).isEqualTo("100 \u00b5s");
        assertThat(PercentilePlot.latencyLabel(4)).isEqualTo("10 ms");
        assertThat(PercentilePlot.latencyLabel(6)).isEqualTo("1 s");
    }

    @Test
    void shouldTurnAHistogramOfNanosecondsIntoAPercentileCurveInMicroseconds() throws Exception
    {
        final Histogram nanos = new Histogram(1, LoadWorker.HISTOGRAM_MAX_NANOS, 3);
        for (int i = 1; i <= 1000; i++)
        {
            nanos.recordValue(i * 1_000L);
        }

        final PercentilePlot.Series series = LoadReports.series("update", nanos);

        assertThat(series.name()).isEqualTo("update (1,000)");
        assertThat(series.percentiles()[0]).isGreaterThanOrEqualTo(0);
        assertThat(series.percentiles()[series.percentiles().length - 1]).isEqualTo(100.0);
        for (int i = 1; i < series.percentiles().length; i++)
        {
            assertThat(series.percentiles()[i]).isGreaterThanOrEqualTo(series.percentiles()[i - 1]);
            assertThat(series.valuesMicros()[i]).isGreaterThanOrEqualTo(series.valuesMicros()[i - 1]);
        }
        assertThat(series.valuesMicros()[series.valuesMicros().length - 1]).isCloseTo(1000.0, within(1.0));
        assertThat(parse(PercentilePlot.svg("one", List.of(series))).getElementsByTagName("polyline").getLength())
            .isEqualTo(1);
        assertThat(LoadReports.hgrm(nanos)).contains("Percentile").contains("#[Mean");
        assertThat(LoadReports.hgrm(new Histogram(3))).contains("No values");
    }

    private static Document parse(final String svg) throws Exception
    {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    }

    private static List<String> texts(final Document document)
    {
        final NodeList nodes = document.getElementsByTagName("text");
        final List<String> texts = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++)
        {
            texts.add(nodes.item(i).getTextContent());
        }
        return texts;
    }
}
