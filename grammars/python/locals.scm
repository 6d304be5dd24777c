;; Locals: which identifiers are the same variable. @local.scope on nodes that
;; open a scope; @local.definition on names a scope binds; @local.definition.outer
;; on names bound in the scope around the node that holds them (a function's or
;; class's own name); @local.member on identifiers that are not variables (an
;; attribute after a dot, a keyword argument's name); every other identifier is
;; a reference (ghostline.syntax.locals).

[
  (module)
  (function_definition)
  (lambda)
  (class_definition)
  (list_comprehension)
  (set_comprehension)
  (dictionary_comprehension)
  (generator_expression)
] @local.scope

(function_definition name: (identifier) @local.definition.outer)
(class_definition name: (identifier) @local.definition.outer)

(parameters (identifier) @local.definition)
(lambda_parameters (identifier) @local.definition)
(default_parameter name: (identifier) @local.definition)
(typed_parameter . (identifier) @local.definition)
(typed_default_parameter name: (identifier) @local.definition)
(list_splat_pattern (identifier) @local.definition)
(dictionary_splat_pattern (identifier) @local.definition)

(assignment left: (identifier) @local.definition)
(assignment left: (pattern_list (identifier) @local.definition))
(assignment left: (tuple_pattern (identifier) @local.definition))
(augmented_assignment left: (identifier) @local.definition)
(named_expression name: (identifier) @local.definition)
(for_statement left: (identifier) @local.definition)
(for_statement left: (pattern_list (identifier) @local.definition))
(for_statement left: (tuple_pattern (identifier) @local.definition))
(for_in_clause left: (identifier) @local.definition)
(for_in_clause left: (pattern_list (identifier) @local.definition))
(as_pattern alias: (as_pattern_target (identifier) @local.definition))
(import_statement name: (dotted_name . (identifier) @local.definition))
(aliased_import alias: (identifier) @local.definition)
(import_from_statement name: (dotted_name (identifier) @local.definition))

(attribute attribute: (identifier) @local.member)
(keyword_argument name: (identifier) @local.member)
(import_from_statement module_name: (dotted_name (identifier) @local.member))
(aliased_import name: (dotted_name (identifier) @local.member))
