import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

/** Course and lesson slugs: file and URL friendly, never a dot or a `$` (they become keys of a progress document). */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Question and option ids: short words a quiz author types. */
export const QUIZ_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
export const QUESTION_TYPES = ['single', 'multi'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** `answer: a` and `answer: [a, c]` both become a list. */
const toList = ({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value);

export class CourseOptionFileDto {
  @IsString()
  @Matches(QUIZ_ID_PATTERN, { message: 'option id must be a short word (letters, digits, - or _)' })
  id: string;

  @IsString()
  @Length(1, 300)
  text: string;
}

export class CourseQuestionFileDto {
  @IsString()
  @Matches(QUIZ_ID_PATTERN, { message: 'question id must be a short word (letters, digits, - or _)' })
  id: string;

  @IsIn(QUESTION_TYPES, { message: 'type must be single or multi' })
  type: QuestionType;

  @IsString()
  @Length(1, 1000)
  prompt: string;

  @IsArray()
  @ArrayMinSize(2, { message: 'options must list at least two options' })
  @ArrayMaxSize(12)
  @ValidateNested({ each: true })
  @Type(() => CourseOptionFileDto)
  options: CourseOptionFileDto[];

  @Transform(toList)
  @IsArray({ message: 'answer must be an option id (multi: a list of option ids)' })
  @ArrayMinSize(1, { message: 'answer must name at least one option' })
  @IsString({ each: true, message: 'answer must be an option id (multi: a list of option ids)' })
  answer: string[];
}

export class CourseQuizFileDto {
  @IsInt({ message: 'passPercent must be a whole number from 1 to 100' })
  @Min(1, { message: 'passPercent must be a whole number from 1 to 100' })
  @Max(100, { message: 'passPercent must be a whole number from 1 to 100' })
  passPercent: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  maxAttemptsPerDay?: number;

  @IsArray()
  @ArrayMinSize(1, { message: 'a quiz needs at least one question' })
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CourseQuestionFileDto)
  questions: CourseQuestionFileDto[];
}

export class CourseModuleFileDto {
  @IsString()
  @Length(1, 120)
  title: string;

  @IsArray()
  @ArrayMinSize(1, { message: 'each module needs at least one lesson' })
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(SLUG_PATTERN, { each: true, message: 'lesson names must be slugs such as what-is-a-heat-pump' })
  lessons: string[];
}

/** content/courses/<slug>/course.yaml (API.md "Content files: courses"). */
export class CourseFileDto {
  @IsString()
  @Length(1, 120)
  title: string;

  @IsString()
  @Length(1, 600)
  summary: string;

  @IsOptional()
  @IsString()
  minTier?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  order?: number;

  /** Certificates of this course expire this many months after they are issued. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(240)
  validForMonths?: number;

  @IsArray()
  @ArrayMinSize(1, { message: 'modules must list at least one module' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CourseModuleFileDto)
  modules: CourseModuleFileDto[];

  @IsOptional()
  @ValidateNested()
  @Type(() => CourseQuizFileDto)
  quiz?: CourseQuizFileDto;
}
