import type { FieldMetadata } from "@conform-to/react";
import { CheckboxGroup, SelectField, TextField } from "~/components/form";
import { useI18n } from "~/utils/i18n";
import { useProfileOptions } from "./use-options";

type Fields = {
  displayName: FieldMetadata<string | undefined>;
  discipline: FieldMetadata<string | undefined>;
  region: FieldMetadata<string | undefined>;
  establishment: FieldMetadata<string | undefined>;
  establishmentKind: FieldMetadata<string | undefined>;
  orderCode: FieldMetadata<string | undefined>;
  permitNumber: FieldMetadata<string | undefined>;
  languages: FieldMetadata<string[] | undefined>;
  topics: FieldMetadata<string[] | undefined>;
};

/** The profile part shared by sign-up and profile editing. */
export function ProfileFields({ fields }: { fields: Fields }) {
  const { t } = useI18n();
  const options = useProfileOptions();
  return (
    <>
      <fieldset className="stack">
        <legend className="section-title">{t("profileForm.identity")}</legend>
        <TextField
          field={fields.displayName}
          label={t("fields.displayName")}
          hint={t("fields.displayNameHint")}
          autoComplete="name"
          required
        />
        <SelectField
          field={fields.discipline}
          label={t("fields.discipline")}
          options={options.disciplines}
          placeholder={t("form.choose")}
          required
        />
        <SelectField field={fields.region} label={t("fields.region")} options={options.regions} placeholder={t("form.choose")} required />
        <SelectField
          field={fields.establishmentKind}
          label={t("fields.establishmentKind")}
          options={options.establishmentKinds}
          placeholder={t("form.optional")}
        />
        <TextField
          field={fields.establishment}
          label={t("fields.establishment")}
          hint={t("fields.establishmentHint")}
          autoComplete="organization"
        />
      </fieldset>
      <fieldset className="stack">
        <legend className="section-title">{t("profileForm.order")}</legend>
        <p className="field__hint">{t("profileForm.orderHint")}</p>
        <SelectField field={fields.orderCode} label={t("fields.orderCode")} options={options.orders} placeholder={t("form.none")} />
        <TextField field={fields.permitNumber} label={t("fields.permitNumber")} hint={t("fields.permitNumberHint")} />
      </fieldset>
      <CheckboxGroup field={fields.languages} legend={t("fields.languages")} options={options.languages} />
      <CheckboxGroup field={fields.topics} legend={t("fields.topics")} hint={t("fields.topicsHint")} options={options.topics} />
    </>
  );
}
