;; Blocks: bodies that hold statements or items (the file itself included)
(source_file) @block

(block) @block

(declaration_list) @block

;; Statements and items
[
  (expression_statement)
  (let_declaration)
  (empty_statement)
  (function_item)
  (function_signature_item)
  (struct_item)
  (enum_item)
  (union_item)
  (trait_item)
  (impl_item)
  (mod_item)
  (foreign_mod_item)
  (use_declaration)
  (extern_crate_declaration)
  (const_item)
  (static_item)
  (type_item)
  (associated_type)
  (macro_definition)
] @statement
