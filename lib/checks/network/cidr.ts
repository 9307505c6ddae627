// The parser has one home for config, constructs and checks alike; the evaluator keeps importing it from here.
export * from '../../core/validate/ip';
