package dev.stepwise.models.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class YesNoLogprobsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode tokens(final String json) throws Exception {
        return JSON.readTree(json.replace('\'', '"'));
    }

    @Test
    void variantsOfYesAndNoAmongTheAlternativesAreSummed() throws Exception {
        final JsonNode content = tokens("[{'token':'**','logprob':-0.01,'top_logprobs':[]},"
                + "{'token':'Yes','logprob':-0.5,'top_logprobs':[{'token':'Yes','logprob':" + Math.log(0.6) + "},"
                + "{'token':' yes','logprob':" + Math.log(0.1) + "},{'token':'No','logprob':" + Math.log(0.2) + "},"
                + "{'token':'Maybe','logprob':" + Math.log(0.1) + "}]}]");
        assertThat(YesNoLogprobs.probabilityOfYes(content).getAsDouble()).isCloseTo(0.7 / 0.9, within(1e-9));
    }

    @Test
    void withoutAlternativesTheChosenTokensProbabilityIsUsed() throws Exception {
        assertThat(YesNoLogprobs.probabilityOfYes(tokens("[{'token':'No','logprob':" + Math.log(0.9) + "}]"))
                .getAsDouble()).isCloseTo(0.1, within(1e-9));
    }

    @Test
    void aThinkingBlockIsSkippedAndAVerdictFarIntoTheReplyDoesNotCount() throws Exception {
        assertThat(YesNoLogprobs.probabilityOfYes(tokens("[{'token':'<think>','logprob':0},{'token':'No','logprob':0},"
                + "{'token':'</think>','logprob':0},{'token':'Yes','logprob':" + Math.log(0.8) + "}]")).getAsDouble())
                .isCloseTo(0.8, within(1e-9));
        final StringBuilder late = new StringBuilder("[");
        for (int i = 0; i < 20; i++) {
            late.append("{'token':' word','logprob':0},");
        }
        late.append("{'token':'Yes','logprob':0}]");
        assertThat(YesNoLogprobs.probabilityOfYes(tokens(late.toString()))).isEmpty();
        assertThat(YesNoLogprobs.probabilityOfYes(JSON.missingNode())).isEmpty();
    }
}
