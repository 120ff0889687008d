package dev.enricher.tasks;

import java.util.List;

/**
 * What {@code zlm-v1-iab-classify-edge} found: IAB audience segments and content categories in both
 * taxonomy versions, each in the model's order.
 *
 * @param audience audience segments, possibly empty
 * @param iab10    content categories of IAB taxonomy 1.0 ({@code content.iab_1_0}), possibly empty
 * @param iab22    content categories of IAB taxonomy 2.2 ({@code content.iab_2_2}), possibly empty
 */
public record IabResult(List<ScoredLabel> audience, List<ScoredLabel> iab10, List<ScoredLabel> iab22)
        implements TaskResult {
    public IabResult {
        audience = List.copyOf(audience);
        iab10 = List.copyOf(iab10);
        iab22 = List.copyOf(iab22);
    }
}
