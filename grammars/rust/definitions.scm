;; Definitions: @definition.function / .method / .class on the whole item,
;; with @name and @body. Outer doc comments (`///` lines or `/** */`) right
;; before an item, attributes allowed in between, are captured as @doc by the
;; "Documented" patterns, in extra matches of the same definition nodes.

;; Functions: at the top level, in a module, or nested in a block
(source_file
  (function_item
    name: (identifier) @name
    body: (block) @body) @definition.function)

(mod_item
  body: (declaration_list
    (function_item
      name: (identifier) @name
      body: (block) @body) @definition.function))

(block
  (function_item
    name: (identifier) @name
    body: (block) @body) @definition.function)

;; Methods: functions in an impl or trait body (trait signatures too)
(impl_item
  body: (declaration_list
    (function_item
      name: (identifier) @name
      body: (block) @body) @definition.method))

(trait_item
  body: (declaration_list
    [
      (function_item
        name: (identifier) @name
        body: (block) @body) @definition.method
      (function_signature_item
        name: (identifier) @name) @definition.method
    ]))

;; Structs, enums, unions, traits and impls
(struct_item
  name: (type_identifier) @name
  body: (_)? @body) @definition.class

(enum_item
  name: (type_identifier) @name
  body: (enum_variant_list) @body) @definition.class

(union_item
  name: (type_identifier) @name
  body: (field_declaration_list) @body) @definition.class

(trait_item
  name: (type_identifier) @name
  body: (declaration_list) @body) @definition.class

(impl_item
  type: (_) @name
  body: (declaration_list) @body) @definition.class

;; Documented functions
(source_file
  [
    (line_comment
      outer: (outer_doc_comment_marker))
    (block_comment
      outer: (outer_doc_comment_marker))
  ]+ @doc
  .
  (attribute_item)*
  .
  (function_item
    name: (identifier) @name
    body: (block) @body) @definition.function)

(mod_item
  body: (declaration_list
    [
      (line_comment
        outer: (outer_doc_comment_marker))
      (block_comment
        outer: (outer_doc_comment_marker))
    ]+ @doc
    .
    (attribute_item)*
    .
    (function_item
      name: (identifier) @name
      body: (block) @body) @definition.function))

(block
  [
    (line_comment
      outer: (outer_doc_comment_marker))
    (block_comment
      outer: (outer_doc_comment_marker))
  ]+ @doc
  .
  (attribute_item)*
  .
  (function_item
    name: (identifier) @name
    body: (block) @body) @definition.function)

;; Documented methods
(impl_item
  body: (declaration_list
    [
      (line_comment
        outer: (outer_doc_comment_marker))
      (block_comment
        outer: (outer_doc_comment_marker))
    ]+ @doc
    .
    (attribute_item)*
    .
    (function_item
      name: (identifier) @name
      body: (block) @body) @definition.method))

(trait_item
  body: (declaration_list
    [
      (line_comment
        outer: (outer_doc_comment_marker))
      (block_comment
        outer: (outer_doc_comment_marker))
    ]+ @doc
    .
    (attribute_item)*
    .
    [
      (function_item
        name: (identifier) @name
        body: (block) @body) @definition.method
      (function_signature_item
        name: (identifier) @name) @definition.method
    ]))

;; Documented structs, enums, unions, traits and impls
([
  (line_comment
    outer: (outer_doc_comment_marker))
  (block_comment
    outer: (outer_doc_comment_marker))
]+ @doc
  .
  (attribute_item)*
  .
  [
    (struct_item
      name: (type_identifier) @name
      body: (_)? @body) @definition.class
    (enum_item
      name: (type_identifier) @name
      body: (enum_variant_list) @body) @definition.class
    (union_item
      name: (type_identifier) @name
      body: (field_declaration_list) @body) @definition.class
    (trait_item
      name: (type_identifier) @name
      body: (declaration_list) @body) @definition.class
    (impl_item
      type: (_) @name
      body: (declaration_list) @body) @definition.class
  ])
