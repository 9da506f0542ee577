// Prices as data (./prices/<region>.json) and the cost of labelled flows.
export { resolvePrices, applyPriceOverrides, parsePriceOverrides, tieredCost, interRegionRate, builtinRegions, DEFAULT_REGION } from './prices';
export type { RegionPrices, PriceTier, PriceOverrides, ResolvedPrices } from './prices';
export { priceFlows, zeroCost, addCost, COST_COMPONENTS, MONTH_HOURS } from './cost';
export type { CostBreakdown, CostComponent, PricingContext, PricingResult } from './cost';
