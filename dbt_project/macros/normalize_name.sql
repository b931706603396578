{#
  Names as people compare them (DESIGN §2 "Enterprise names: trim, unify full/half-width
  brackets"): full-width ASCII forms U+FF01..U+FF5E (（）［］，．Ａ１ ...) become their ASCII
  counterparts, the ideographic space U+3000 becomes a space, runs of whitespace collapse to
  one space, and the result is trimmed (NULL if nothing is left). Used for enterprise,
  patent-holder and carrier names; staging keeps the name as written in `*_original`.

  Cost matters (tens of millions of patent holders): full-width brackets and the ideographic
  space, by far the most common full-width characters in names, are replaced directly; the
  complete mapping (translate, slow) only runs on names that still contain one.
#}
{% macro normalize_name(column) -%}
    {%- set brackets_and_spaces_done -%}
        replace(replace(replace({{ column }}, '（', '('), '）', ')'), '　', ' ')
    {%- endset -%}
    {#- the full-width forms U+FF01..U+FF5E and their ASCII counterparts U+0021..U+007E, in order
        (the ASCII side holds a quote and a backslash: text_literal writes them for each engine) -#}
    {%- set full_width = '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～' -%}
    {%- set ascii = '!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~' -%}
    {%- set full_width_done -%}
        case
            when {{ regex_contains(brackets_and_spaces_done, '[\\x{FF01}-\\x{FF5E}]') }}
                then translate({{ brackets_and_spaces_done }},
                    {{ text_literal(full_width) }},
                    {{ text_literal(ascii) }})
            else {{ brackets_and_spaces_done }}
        end
    {%- endset -%}
    {#- whitespace as RE2's \s (DuckDB) reads it; Java's \s would also take U+000B -#}
    nullif(trim({{ regex_replace_all(full_width_done, '[\\t\\n\\f\\r ]+', ' ') }}), '')
{%- endmacro %}
