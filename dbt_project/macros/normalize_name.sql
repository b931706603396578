{#
  Names as people compare them (DESIGN §2 "Enterprise names: trim, unify full/half-width
  brackets"): full-width ASCII forms U+FF01..U+FF5E (（）［］，．Ａ１ ...) become their ASCII
  counterparts, the ideographic space U+3000 becomes a space, runs of whitespace collapse to
  one space, and the result is trimmed. Used for enterprise, patent-holder and carrier names;
  staging keeps the name as written in `*_original`.
#}
{% macro normalize_name(column) -%}
    nullif(trim(regexp_replace(
        translate({{ column }},
            '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　',
            '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~ '),
        '\s+', ' ', 'g')), '')
{%- endmacro %}
